package dev.mesh4j.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.metrics.IstioMetricLabels;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.testing.IstioPeerHeaders;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.LoopbackBackend.Answer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the engine learns of a request through the JDK transport, for metrics, spans, the access
 * log and listeners: the request ends when the application has read the body, with the bytes it
 * read, the status and the protocol; trace headers go upstream.
 */
class TelemetryIntegrationTest {

  @Test
  void aRequestEndsWhenTheBodyIsReadWithItsBytesStatusAndProtocol() throws Exception {
    BlockingQueue<MeshCall> ended = new ArrayBlockingQueue<>(4);
    try (LoopbackBackend web = LoopbackBackend.start("web").answer(r -> Answer.of(200, "hello, mesh"));
        Mesh mesh = Mesh.builder().registry(new ServiceRegistry().register("web", 8080, web.endpoint()))
            .listener(new MeshListener() {
              @Override
              public void requestEnded(MeshCall call) {
                ended.add(call);
              }
            }).build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh);
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://web:8080/greet")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("hello, mesh");
      MeshCall call = ended.poll(5, TimeUnit.SECONDS);
      assertThat(call).isNotNull();
      assertThat(call.status()).isEqualTo(200);
      assertThat(call.responseBytes()).isEqualTo("hello, mesh".length());
      assertThat(call.protocol()).isEqualTo("HTTP/1.1");
      assertThat(call.attempts()).isEqualTo(1);
      assertThat(web.last().header("x-request-id")).as("a request id goes upstream").isNotBlank();
    }
  }

  @Test
  void aBodyTheApplicationDropsEndsTheRequestToo() throws Exception {
    BlockingQueue<MeshCall> ended = new ArrayBlockingQueue<>(4);
    try (LoopbackBackend web = LoopbackBackend.start("web").answer(r -> Answer.of(200, "x".repeat(100_000)));
        Mesh mesh = Mesh.builder().registry(new ServiceRegistry().register("web", 8080, web.endpoint()))
            .listener(new MeshListener() {
              @Override
              public void requestEnded(MeshCall call) {
                ended.add(call);
              }
            }).build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh);
      HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create("http://web:8080/")).build(),
          HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).isEqualTo(200);
      MeshCall call = ended.poll(5, TimeUnit.SECONDS);
      assertThat(call).as("the request ended").isNotNull();
      assertThat(call.status()).isEqualTo(200);
    }
  }

  @Test
  void aSidecarsAnswerNamesTheDestinationWorkloadAndItsHeadersStayOutOfTheResponse() throws Exception {
    BlockingQueue<MeshCall> ended = new ArrayBlockingQueue<>(4);
    try (LoopbackBackend ratings = LoopbackBackend.start("ratings").answer(r -> new Answer(200,
            Map.of("x-envoy-peer-metadata", IstioPeerHeaders.RATINGS_SERVER,
                "x-envoy-peer-metadata-id", IstioPeerHeaders.RATINGS_SERVER_ID), "five stars"));
        Mesh mesh = Mesh.builder().registry(new ServiceRegistry().register("ratings", 9080, ratings.endpoint()))
            .workloadName("reviews-v2").listener(new MeshListener() {
              @Override
              public void requestEnded(MeshCall call) {
                ended.add(call);
              }
            }).build()) {
      HttpClient client = MeshJdkHttp.newClient(mesh);
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://ratings:9080/ratings/0")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("five stars");
      assertThat(r.headers().map().keySet()).doesNotContain("x-envoy-peer-metadata", "x-envoy-peer-metadata-id");
      MeshCall call = ended.poll(5, TimeUnit.SECONDS);
      assertThat(call).isNotNull();
      assertThat(IstioMetricLabels.forWorkload(mesh.workload()).of(call))
          .containsEntry("destination_workload", "ratings-v1")
          .containsEntry("destination_app", "ratings")
          .containsEntry("destination_canonical_revision", "version-1")
          .containsEntry("destination_cluster", "server-cluster");
    }
  }
}
