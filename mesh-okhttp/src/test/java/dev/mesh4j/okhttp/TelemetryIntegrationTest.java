package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.RecordingListener;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Spans, metrics and listener events of real calls: a request ends when its body does. */
class TelemetryIntegrationTest {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .build();
  final RecordingListener events = new RecordingListener();
  LoopbackBackend backend;
  Mesh mesh;
  OkHttpClient client;

  @BeforeEach
  void start() {
    backend = LoopbackBackend.start("reviews-v2", Map.of("app", "reviews", "version", "v2"));
    mesh = Mesh.builder().registry(new ServiceRegistry().register("reviews", 9080, backend.endpoint()))
        .openTelemetry(sdk).listener(events).workloadName("productpage-v1").accessLog(true).build();
    client = MeshOkHttp.newClient(mesh);
  }

  @AfterEach
  void stop() {
    mesh.close();
    backend.close();
    sdk.close();
  }

  HistogramPointData histogram(String name) {
    return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow()
        .getHistogramData().getPoints().iterator().next();
  }

  @Test
  void theRequestSpanAndMetricsEndWhenTheBodyIsReadWithTheBytesRead() throws IOException {
    try (MeshContext.Scope s = mesh.captureContext(Map.of("x-request-id", "rid-e2e")::get).makeCurrent()) {
      Request post = new Request.Builder().url("http://reviews:9080/reviews/1")
          .post(RequestBody.create("hello", MediaType.get("text/plain"))).build();
      try (Response r = client.newCall(post).execute()) {
        // Headers are in: the attempt is over, the request is not.
        assertThat(spans.getFinishedSpanItems()).hasSize(1);
        assertThat(events.events()).doesNotContain("requestEnded 200");
        assertThat(r.body().string()).isEqualTo("reviews-v2");
      }
    }
    assertThat(spans.getFinishedSpanItems()).hasSize(2);
    SpanData request = spans.getFinishedSpanItems().get(1);
    assertThat(request.getAttributes().get(AttributeKey.stringKey("mesh4j.request_id"))).isEqualTo("rid-e2e");
    assertThat(request.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
    assertThat(backend.last().header("traceparent")).contains(spans.getFinishedSpanItems().get(0).getSpanId());
    assertThat(events.events()).containsExactly("requestStarted", "routed ROUTE default", "destinationPicked "
        + "outbound|9080||reviews.default.svc.cluster.local", "attemptStarted 1 " + backend.endpoint().hostPort(),
        "attemptEnded 1 200", "requestEnded 200");
    assertThat(events.lastCall().responseBytes()).isEqualTo(10);
    assertThat(events.lastCall().requestBytes()).isEqualTo(5);
    assertThat(events.lastCall().protocol()).isEqualTo("HTTP/1.1");
    assertThat(histogram("istio_response_bytes").getSum()).isEqualTo(10.0);
    assertThat(histogram("istio_request_bytes").getSum()).isEqualTo(5.0);
    assertThat(histogram("istio_request_bytes").getAttributes().get(AttributeKey.stringKey("destination_version")))
        .isEqualTo("v2");
  }

  @Test
  void aCallTheApplicationTimesOutEndsWithDcAndStatusZero() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    backend.answer(r -> {
      try {
        release.await(10, TimeUnit.SECONDS); // holds the response until the test is done
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return LoopbackBackend.Answer.of(200, "late");
    });
    OkHttpClient impatient = client.newBuilder().callTimeout(Duration.ofMillis(200)).build();
    try (Response r = impatient.newCall(new Request.Builder().url("http://reviews:9080/").build()).execute()) {
      throw new AssertionError("expected a timeout, got " + r.code());
    } catch (IOException e) {
      assertThat(e).isInstanceOf(InterruptedIOException.class);
    } finally {
      release.countDown();
    }
    assertThat(events.events()).last().isEqualTo("requestEnded 0 DC");
    assertThat(events.events()).contains("attemptEnded 1 RETHROW");
  }
}
