package dev.mesh4j.core.telemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Client spans through the OpenTelemetry API, checked with the SDK's in-memory exporter. */
class SpansTest {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .build();

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  static SpanData named(List<SpanData> all, AttributeKey<Long> marker, boolean present) {
    return all.stream().filter(s -> (s.getAttributes().get(marker) != null) == present).findFirst().orElseThrow();
  }

  @Test
  void aRequestSpanAndAnAttemptSpanContinueTheInboundTraceAndTheWireCarriesTheAttemptSpan() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().openTelemetry(sdk).build();
        MeshContext.Scope s = mesh.captureContext(Map.of("traceparent", PropagationTest.TRACEPARENT,
            "end-user", "jason", "x-request-id", "rid-1")::get).makeCurrent()) {
      RecordingExchange.Result r = mesh.execute(MeshRequest.builder(PropagationTest.URL).build(), new RecordingExchange());

      List<SpanData> all = spans.getFinishedSpanItems();
      assertThat(all).hasSize(2);
      SpanData attempt = named(all, AttributeKey.longKey("mesh4j.attempt"), true);
      SpanData request = named(all, AttributeKey.longKey("mesh4j.attempt"), false);
      assertThat(request).hasName("GET").hasKind(SpanKind.CLIENT)
          .hasTraceId(PropagationTest.TRACE).hasParentSpanId(PropagationTest.SPAN)
          .hasAttribute(AttributeKey.stringKey("http.request.method"), "GET")
          .hasAttribute(AttributeKey.stringKey("url.full"), PropagationTest.URL)
          .hasAttribute(AttributeKey.stringKey("server.address"), "reviews")
          .hasAttribute(AttributeKey.longKey("server.port"), 9080L)
          .hasAttribute(AttributeKey.longKey("http.response.status_code"), 200L)
          .hasAttribute(AttributeKey.stringKey("mesh4j.request_id"), "rid-1")
          .hasAttribute(AttributeKey.stringKey("mesh4j.virtual_service"), "default/reviews")
          .hasAttribute(AttributeKey.stringKey("mesh4j.route"), "jason")
          .hasAttribute(AttributeKey.stringKey("mesh4j.cluster"), "outbound|9080|v2|reviews.default.svc.cluster.local")
          .hasAttribute(AttributeKey.stringKey("mesh4j.subset"), "v2")
          .hasAttribute(AttributeKey.longKey("mesh4j.attempts"), 1L);
      assertThat(attempt).hasName("GET").hasKind(SpanKind.CLIENT)
          .hasTraceId(PropagationTest.TRACE).hasParentSpanId(request.getSpanId())
          .hasAttribute(AttributeKey.longKey("mesh4j.attempt"), 1L)
          .hasAttribute(AttributeKey.stringKey("mesh4j.endpoint"), "10.0.0.2:9080")
          .hasAttribute(AttributeKey.stringKey("network.peer.address"), "10.0.0.2")
          .hasAttribute(AttributeKey.longKey("network.peer.port"), 9080L)
          .hasAttribute(AttributeKey.stringKey("url.full"), "http://10.0.0.2:9080/reviews/1")
          .hasAttribute(AttributeKey.longKey("http.response.status_code"), 200L);
      // The span context on the wire is the attempt span's.
      assertThat(r.sentHeader("traceparent")).isEqualTo("00-" + PropagationTest.TRACE + "-" + attempt.getSpanId() + "-01");
      assertThat(r.sentHeader("x-b3-spanid")).isEqualTo(attempt.getSpanId());
      assertThat(r.sentHeader("x-b3-parentspanid")).isEqualTo(request.getSpanId());
    }
  }

  @Test
  void theApplicationsCurrentSpanIsTheParent() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().openTelemetry(sdk).build()) {
      Span server = sdk.getTracer("app").spanBuilder("GET /productpage").setSpanKind(SpanKind.SERVER).startSpan();
      try (Scope s = server.makeCurrent()) {
        mesh.execute(MeshRequest.builder(PropagationTest.URL).build(), new RecordingExchange());
      }
      server.end();
      SpanData request = named(spans.getFinishedSpanItems().stream().filter(d -> d.getKind() == SpanKind.CLIENT).toList(),
          AttributeKey.longKey("mesh4j.attempt"), false);
      assertThat(request).hasTraceId(server.getSpanContext().getTraceId())
          .hasParentSpanId(server.getSpanContext().getSpanId());
    }
  }

  @Test
  void aLocalReplyIsARequestSpanWithoutAttemptsMarkedAsAnError() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().openTelemetry(sdk).build()) {
      mesh.registry().register("reviews", 9080);
      mesh.execute(MeshRequest.builder(PropagationTest.URL).build(), new RecordingExchange());
      assertThat(spans.getFinishedSpanItems()).singleElement().satisfies(d -> assertThat(d)
          .hasStatusSatisfying(st -> st.hasCode(StatusCode.ERROR))
          .hasAttribute(AttributeKey.longKey("http.response.status_code"), 503L)
          .hasAttribute(AttributeKey.stringKey("mesh4j.response_flags"), "UH")
          .hasAttribute(AttributeKey.stringKey("error.type"), "503")
          .hasAttribute(AttributeKey.longKey("mesh4j.attempts"), 0L));
    }
  }

  @Test
  void withoutAnSdkNothingIsRecordedButIdsStillFlow() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().build()) {
      RecordingExchange.Result r = mesh.execute(MeshRequest.builder(PropagationTest.URL).build(), new RecordingExchange());
      assertThat(spans.getFinishedSpanItems()).isEmpty();
      assertThat(r.sentHeader("traceparent")).isNotNull();
    }
  }
}
