package dev.mesh4j.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.context.TraceFormat;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.RecordingExchange.Result;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Request ids, trace headers, baggage and user headers on outbound requests (SPEC §12). */
class PropagationTest {
  static final String URL = "http://reviews:9080/reviews/1";
  static final Pattern UUID_V4 = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN = "00f067aa0ba902b7";
  static final String TRACEPARENT = "00-" + TRACE + "-" + SPAN + "-01";

  static Result send(Mesh mesh, MeshRequest request) throws IOException {
    return mesh.execute(request, new RecordingExchange());
  }

  static Result send(Mesh mesh) throws IOException {
    return send(mesh, MeshRequest.builder(URL).build());
  }

  static MeshContext inbound(Mesh mesh, Map<String, String> headers) {
    return mesh.captureContext(headers::get);
  }

  @Test
  void aRequestWithoutIdGetsANewUuidV4() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().build()) {
      String first = send(mesh).sentHeader("x-request-id");
      String second = send(mesh).sentHeader("x-request-id");
      assertThat(first).matches(UUID_V4);
      assertThat(second).matches(UUID_V4).isNotEqualTo(first);
    }
  }

  @Test
  void theApplicationsOwnRequestIdIsKeptUntouched() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().build();
        MeshContext.Scope s = inbound(mesh, Map.of("x-request-id", "from-inbound")).makeCurrent()) {
      Result r = send(mesh, MeshRequest.builder(URL).header("x-request-id", "mine").build());
      // Kept as sent: no operation on the header at all.
      assertThat(r.sentHeader("x-request-id")).isNull();
      assertThat(r.sent().headers().toString()).doesNotContain("x-request-id");
    }
  }

  @Test
  void theInboundRequestIdGoesToEveryOutboundCall() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().build();
        MeshContext.Scope s = inbound(mesh, Map.of("x-request-id", "abc-123")).makeCurrent()) {
      assertThat(send(mesh).sentHeader("x-request-id")).isEqualTo("abc-123");
      assertThat(send(mesh).sentHeader("x-request-id")).isEqualTo("abc-123");
    }
  }

  @Test
  void theTraceContinuesTheInboundTraceWithANewSpanInW3cAndB3() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().build();
        MeshContext.Scope s = inbound(mesh, Map.of("traceparent", TRACEPARENT, "tracestate", "congo=t61rcWkgMzE"))
            .makeCurrent()) {
      Result r = send(mesh);
      String traceparent = r.sentHeader("traceparent");
      assertThat(traceparent).startsWith("00-" + TRACE + "-").endsWith("-01");
      String span = traceparent.substring(36, 52);
      assertThat(span).isNotEqualTo(SPAN).matches("[0-9a-f]{16}");
      assertThat(r.sentHeader("tracestate")).isEqualTo("congo=t61rcWkgMzE");
      assertThat(r.sentHeader("x-b3-traceid")).isEqualTo(TRACE);
      assertThat(r.sentHeader("x-b3-spanid")).isEqualTo(span);
      assertThat(r.sentHeader("x-b3-sampled")).isEqualTo("1");
      // The attempt's parent is the request's span, itself a child of the inbound span.
      assertThat(r.sentHeader("x-b3-parentspanid")).matches("[0-9a-f]{16}").isNotEqualTo(SPAN).isNotEqualTo(span);
      assertThat(r.sentHeader("b3")).isNull();
    }
  }

  @Test
  void b3SingleAndMultiInboundAreReadToo() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().propagation(TraceFormat.W3C).build()) {
      try (MeshContext.Scope s = inbound(mesh, Map.of("b3", TRACE + "-" + SPAN + "-1")).makeCurrent()) {
        assertThat(send(mesh).sentHeader("traceparent")).startsWith("00-" + TRACE + "-").endsWith("-01");
      }
      try (MeshContext.Scope s = inbound(mesh, Map.of("x-b3-traceid", TRACE, "x-b3-spanid", SPAN, "x-b3-sampled", "0"))
          .makeCurrent()) {
        assertThat(send(mesh).sentHeader("traceparent")).startsWith("00-" + TRACE + "-").endsWith("-00");
      }
    }
  }

  @Test
  void w3cWinsOverB3WhenBothArriveAndValid() throws IOException {
    String other = "a3ce929d0e0e47364bf92f3577b34da6";
    try (Mesh mesh = TelemetryFixtures.reviews().build();
        MeshContext.Scope s = inbound(mesh, Map.of("traceparent", TRACEPARENT, "b3", other + "-" + SPAN + "-1"))
            .makeCurrent()) {
      assertThat(send(mesh).sentHeader("x-b3-traceid")).isEqualTo(TRACE);
    }
  }

  @Test
  void corruptOrOversizedInboundTraceStartsANewTraceAndIsNeverForwarded() throws IOException {
    List<Map<String, String>> corrupt = List.of(
        Map.of("traceparent", "00-" + TRACE + "-" + SPAN + "-zz"),
        Map.of("traceparent", "00-00000000000000000000000000000000-" + SPAN + "-01"),
        Map.of("traceparent", TRACEPARENT + "\r\nx-injected: 1"),
        Map.of("traceparent", "00-" + TRACE + "-" + SPAN + "-01" + "-" + "x".repeat(600)),
        Map.of("b3", "garbage"),
        Map.of("x-b3-traceid", "xyz", "x-b3-spanid", SPAN));
    try (Mesh mesh = TelemetryFixtures.reviews().propagation(TraceFormat.W3C, TraceFormat.B3_MULTI, TraceFormat.B3_SINGLE)
        .build()) {
      for (Map<String, String> headers : corrupt) {
        try (MeshContext.Scope s = inbound(mesh, headers).makeCurrent()) {
          Result r = send(mesh);
          String traceparent = r.sentHeader("traceparent");
          assertThat(traceparent).as("%s", headers).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")
              .doesNotContain(TRACE);
          assertThat(r.sent().headers().toString()).doesNotContain("garbage", "xyz", "injected", "zz");
          assertThat(r.sentHeader("b3")).startsWith(traceparent.substring(3, 35) + "-");
        }
      }
    }
  }

  @Test
  void theApplicationsOwnTraceHeadersAreTheParentAndAreRewrittenNotForwarded() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().build()) {
      Result r = send(mesh, MeshRequest.builder(URL).header("b3", TRACE + "-" + SPAN + "-1").build());
      assertThat(r.sentHeader("b3")).isNull();
      assertThat(r.sent().headers().toString()).contains("remove b3");
      assertThat(r.sentHeader("traceparent")).startsWith("00-" + TRACE + "-");
      Result corrupt = send(mesh, MeshRequest.builder(URL).header("traceparent", "00-nonsense").build());
      assertThat(corrupt.sent().headers().toString()).contains("remove traceparent");
      assertThat(corrupt.sentHeader("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    }
  }

  @Test
  void formatsAreConfigurable() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().propagation(TraceFormat.B3_SINGLE).build()) {
      Result r = send(mesh);
      assertThat(r.sentHeader("b3")).matches("[0-9a-f]{32}-[0-9a-f]{16}-[01]");
      assertThat(r.sentHeader("traceparent")).isNull();
      assertThat(r.sentHeader("x-b3-traceid")).isNull();
    }
    try (Mesh mesh = TelemetryFixtures.reviews().propagation().build()) {
      Result r = send(mesh);
      assertThat(r.routeHeaders().isEmpty()).isTrue();
      assertThat(r.sent().headers().toString()).startsWith("set x-request-id=").doesNotContain("traceparent", "b3");
    }
  }

  @Test
  void newTracesAreSampledAsConfiguredAndContinuedTracesKeepTheirDecision() throws IOException {
    try (Mesh all = TelemetryFixtures.reviews().tracingSampling(100).build();
        Mesh none = TelemetryFixtures.reviews().tracingSampling(0).build()) {
      assertThat(send(all).sentHeader("traceparent")).endsWith("-01");
      assertThat(send(none).sentHeader("x-b3-sampled")).isEqualTo("0");
      try (MeshContext.Scope s = inbound(none, Map.of("traceparent", TRACEPARENT)).makeCurrent()) {
        assertThat(send(none).sentHeader("traceparent")).endsWith("-01");
      }
    }
  }

  @Test
  void userHeadersAndOtSpanContextAndBaggageGoOutAndTheApplicationsOwnWin() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().build();
        MeshContext.Scope s = inbound(mesh, Map.of("end-user", "jason", "x-ot-span-context", "0123456789abcdef;1",
            "baggage", "tenant=acme,region=eu", "x-not-propagated", "no")).makeCurrent()) {
      Result r = send(mesh);
      assertThat(r.sentHeader("end-user")).isEqualTo("jason");
      assertThat(r.sentHeader("x-ot-span-context")).isEqualTo("0123456789abcdef;1");
      assertThat(r.sentHeader("baggage")).contains("tenant=acme").contains("region=eu");
      assertThat(r.sentHeader("x-not-propagated")).isNull();

      Result own = send(mesh, MeshRequest.builder(URL).header("end-user", "bob").header("baggage", "tenant=other").build());
      assertThat(own.sentHeader("end-user")).isNull(); // the application's own header stays as is
      assertThat(own.sentHeader("baggage")).contains("tenant=other").contains("region=eu");
    }
  }

  @Test
  void valuesWithControlCharactersOrOversizedAreDroppedAtCapture() {
    try (Mesh mesh = TelemetryFixtures.reviews().build()) {
      MeshContext c = inbound(mesh, Map.of("end-user", "jason\r\nx-evil: 1", "x-request-id", "id\n2",
          "baggage", "k=" + "v".repeat(9000)));
      assertThat(c.isEmpty()).isTrue();
      assertThat(inbound(mesh, Map.of("end-user", "jason\u00e9")).header("end-user")).isNull();
      assertThat(MeshContext.capture(Map.of("END-USER", List.of("jason")), mesh.propagatedHeaders())
          .header("End-User")).isEqualTo("jason");
    }
  }

  @Test
  void propagatedHeaderNamesMustBeHeaderNames() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Mesh.builder().propagatedHeaders("end user"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("end user");
    assertThat(MeshContext.capture(Map.of("bad:name", "x")::get, "bad:name").isEmpty()).isTrue();
  }

  @Test
  void aThrowingListenerDoesNotKeepTheNextFromHearing() throws IOException {
    dev.mesh4j.core.testing.RecordingListener recorder = new dev.mesh4j.core.testing.RecordingListener();
    try (Mesh mesh = TelemetryFixtures.reviews().listener(new dev.mesh4j.core.observe.MeshListener() {
      @Override
      public void requestEnded(dev.mesh4j.core.observe.MeshCall call) {
        throw new IllegalStateException("listener bug");
      }
    }).listener(recorder).build()) {
      assertThat(send(mesh).target()).isEqualTo("10.0.0.1:9080");
      assertThat(recorder.events()).last().isEqualTo("requestEnded 200");
    }
  }

  @Test
  void routingSeesThePropagatedHeadersSoTheEndUserRuleWorksOneHopDown() throws IOException {
    try (Mesh mesh = TelemetryFixtures.reviews().build()) {
      assertThat(send(mesh).target()).isEqualTo("10.0.0.1:9080");
      try (MeshContext.Scope s = inbound(mesh, Map.of("end-user", "jason")).makeCurrent()) {
        Result r = send(mesh);
        assertThat(r.target()).isEqualTo("10.0.0.2:9080");
        assertThat(r.sentHeader("end-user")).isEqualTo("jason");
        // The application's own header wins, for routing too.
        assertThat(send(mesh, MeshRequest.builder(URL).header("end-user", "bob").build()).target())
            .isEqualTo("10.0.0.1:9080");
      }
      assertThat(send(mesh).target()).isEqualTo("10.0.0.1:9080");
    }
  }

  @Test
  void routeHeaderOperationsApplyToTheRequestAsSentContextHeadersIncluded() throws IOException {
    String yaml = TelemetryFixtures.REVIEWS.replace("route: [{destination: {host: reviews, subset: v2}}]",
        "route: [{destination: {host: reviews, subset: v2}}]\n    headers: {request: {remove: [end-user]}}");
    try (Mesh mesh = Mesh.builder().registry(new dev.mesh4j.core.ServiceRegistry()
            .register("reviews", 9080, TelemetryFixtures.V1, TelemetryFixtures.V2))
        .configYaml(yaml).propagatedHeaders("end-user").build();
        MeshContext.Scope s = inbound(mesh, Map.of("end-user", "jason")).makeCurrent()) {
      Result r = send(mesh);
      assertThat(r.target()).isEqualTo("10.0.0.2:9080");
      assertThat(r.sentHeader("end-user")).isNull();
      assertThat(r.sent().headers().toString()).startsWith("set x-request-id=");
      assertThat(r.routeHeaders().toString()).isEqualTo("set end-user=jason, remove end-user");
    }
  }
}
