package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.internal.telemetry.PeerMetadata;
import dev.mesh4j.core.testing.IstioPeerHeaders;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Istio's peer metadata exchange over real HTTP: requests to services inside the mesh carry the
 * workload's metadata as its sidecar's would; those leaving the mesh — a {@code MESH_EXTERNAL}
 * ServiceEntry, passthrough to an unknown host — never do.
 */
class PeerMetadataIntegrationTest {
  private final MockWebServer meshed = new MockWebServer();
  private final MockWebServer external = new MockWebServer();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build();
  private Mesh mesh;
  private OkHttpClient client;

  @BeforeEach
  void start() throws IOException {
    meshed.start();
    external.start();
    mesh = Mesh.builder().openTelemetry(sdk).namespace("default").workloadName("productpage-v1").workloadLabel("app", "productpage")
        .workloadLabel("version", "v1")
        .registry(new ServiceRegistry().register("reviews", 9080, Endpoint.of("127.0.0.1", meshed.getPort())))
        .configYaml("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: payments}
            spec:
              hosts: [api.payments.example]
              location: MESH_EXTERNAL
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 127.0.0.1, ports: {http: %d}}]
            """.formatted(external.getPort()))
        .build();
    client = MeshOkHttp.newClient(mesh);
  }

  @AfterEach
  void stop() throws IOException {
    mesh.close();
    sdk.close();
    meshed.close();
    external.close();
  }

  private void call(MockWebServer server, String url) throws IOException {
    server.enqueue(new MockResponse.Builder().body("ok").build());
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      assertThat(r.code()).as(url).isEqualTo(200);
    }
  }

  @Test
  void aServiceInsideTheMeshGetsTheWorkloadsMetadata() throws Exception {
    call(meshed, "http://reviews:9080/reviews/1");

    RecordedRequest r = meshed.takeRequest(5, TimeUnit.SECONDS);
    PeerMetadata sent = PeerMetadata.decode(r.getHeaders().get("x-envoy-peer-metadata"));
    assertThat(sent).isEqualTo(new PeerMetadata("", "default", "productpage-v1", "Kubernetes", "", "productpage",
        "v1", "productpage", "v1"));
    assertThat(r.getHeaders().get("x-envoy-peer-metadata-id"))
        .isEqualTo("sidecar~~productpage-v1.default~default.svc.cluster.local");
  }

  @Test
  void aSidecarsAnswerLosesItsMetadataHeadersBeforeTheApplicationSeesThem() throws Exception {
    // The server's sidecar answers a request that carried metadata with its own.
    String reviews = new PeerMetadata("reviews-v2-7d8f9c6b5-x2kqp", "default", "reviews-v2", "Kubernetes", "",
        "reviews", "v2", "reviews", "v2").encode();
    meshed.enqueue(new MockResponse.Builder().body("ok").addHeader("x-envoy-peer-metadata", reviews)
        .addHeader("x-envoy-peer-metadata-id", "sidecar~10.1.0.9~reviews-v2-7d8f9c6b5-x2kqp.default~default.svc.cluster.local")
        .addHeader("x-app", "kept").build());
    try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/reviews/1").build()).execute()) {
      assertThat(r.header("x-app")).isEqualTo("kept");
      assertThat(r.headers().names()).doesNotContain("x-envoy-peer-metadata", "x-envoy-peer-metadata-id");
      assertThat(r.body().string()).isEqualTo("ok");
    }
  }

  @Test
  void hostsOutsideTheMeshNeverGetIt() throws Exception {
    call(external, "http://api.payments.example/charge");
    RecordedRequest toExternal = external.takeRequest(5, TimeUnit.SECONDS);
    assertThat(toExternal.getHeaders().get("host")).isEqualTo("api.payments.example");
    assertThat(toExternal.getHeaders().names()).doesNotContain("x-envoy-peer-metadata", "x-envoy-peer-metadata-id");

    // Passthrough: a host no service claims, sent where the application named it.
    call(external, "http://127.0.0.1:" + external.getPort() + "/anything");
    RecordedRequest passthrough = external.takeRequest(5, TimeUnit.SECONDS);
    assertThat(passthrough.getTarget()).isEqualTo("/anything");
    assertThat(passthrough.getHeaders().names()).doesNotContain("x-envoy-peer-metadata", "x-envoy-peer-metadata-id");
  }

  /** The labels of each istio_requests_total series, by name. */
  private List<Map<String, String>> series() {
    return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals("istio_requests_total"))
        .flatMap(m -> m.getLongSumData().getPoints().stream()).map(LongPointData::getAttributes)
        .map(a -> a.asMap().entrySet().stream().collect(Collectors.toMap(e -> e.getKey().getKey(),
            e -> String.valueOf(e.getValue()))))
        .toList();
  }

  @Test
  void aSidecarsAnswerNamesTheDestinationWorkloadInTheMetrics() throws Exception {
    // What istio/proxy's test ratings-v1 sidecar answers with, byte for byte.
    meshed.enqueue(new MockResponse.Builder().body("ok")
        .addHeader("x-envoy-peer-metadata", IstioPeerHeaders.RATINGS_SERVER)
        .addHeader("x-envoy-peer-metadata-id", IstioPeerHeaders.RATINGS_SERVER_ID).build());
    try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/ratings/1").build()).execute()) {
      assertThat(r.headers().names()).doesNotContain("x-envoy-peer-metadata", "x-envoy-peer-metadata-id");
      assertThat(r.body().string()).isEqualTo("ok");
    }
    call(meshed, "http://reviews:9080/reviews/1");  // a server without a sidecar answers without

    List<Map<String, String>> series = series();
    assertThat(series).hasSize(2);
    Map<String, String> sidecar = series.stream().filter(l -> l.get("destination_workload").equals("ratings-v1"))
        .findFirst().orElseThrow();
    assertThat(sidecar).containsAllEntriesOf(Map.ofEntries(
        Map.entry("reporter", "source"),
        Map.entry("source_workload", "productpage-v1"),
        Map.entry("destination_workload", "ratings-v1"),
        Map.entry("destination_workload_namespace", "default"),
        Map.entry("destination_app", "ratings"),
        Map.entry("destination_version", "v1"),
        Map.entry("destination_canonical_service", "ratings"),
        Map.entry("destination_canonical_revision", "version-1"),
        Map.entry("destination_cluster", "server-cluster"),
        Map.entry("destination_service", "reviews.default.svc.cluster.local"),
        Map.entry("response_code", "200")));
    Map<String, String> plain = series.stream().filter(l -> l != sidecar).findFirst().orElseThrow();
    assertThat(plain).containsEntry("destination_workload", "unknown").containsEntry("destination_app", "unknown")
        .containsEntry("destination_canonical_revision", "latest");
  }

  @Test
  void aHostileAnswersMetadataNeitherBreaksTheRequestNorNamesAnything() throws Exception {
    for (String hostile : List.of("!!!", "QUJD".repeat(4000), "CgUKA05BTUU")) {
      meshed.enqueue(new MockResponse.Builder().body("ok").addHeader("x-envoy-peer-metadata", hostile).build());
      try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/r").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.header("x-envoy-peer-metadata")).isNull();
        assertThat(r.body().string()).isEqualTo("ok");
      }
    }
    assertThat(series()).singleElement().satisfies(l -> assertThat(l).containsEntry("destination_workload", "unknown"));
  }
}
