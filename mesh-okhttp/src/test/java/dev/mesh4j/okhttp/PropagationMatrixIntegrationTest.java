package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.context.TraceFormat;
import dev.mesh4j.core.testing.LoopbackBackend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inbound trace formats × outbound formats, over real HTTP: whatever arrives, the backend gets
 * one consistent trace (the inbound one when it was valid), a span id of its own, and the
 * inbound request id.
 */
class PropagationMatrixIntegrationTest {
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN = "00f067aa0ba902b7";
  static final String RID = "7f8a2c3e-1b4d-4e5f-9a6b-0c1d2e3f4a5b";

  static LoopbackBackend backend;

  @BeforeAll
  static void start() {
    backend = LoopbackBackend.start("reviews-v1");
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  /** The inbound request's headers; null trace means "no valid trace arrives". */
  enum Inbound {
    NONE(Map.of(), false),
    W3C(Map.of("traceparent", "00-" + TRACE + "-" + SPAN + "-01", "x-request-id", RID), true),
    B3_MULTI(Map.of("x-b3-traceid", TRACE, "x-b3-spanid", SPAN, "x-b3-sampled", "1", "x-request-id", RID), true),
    B3_SINGLE(Map.of("b3", TRACE + "-" + SPAN + "-1", "x-request-id", RID), true),
    CORRUPT(Map.of("traceparent", "00-" + TRACE + "-zzzz-01", "b3", "not-a-b3-value", "x-b3-traceid", "0xdeadbeef",
        "x-b3-spanid", "!", "x-request-id", RID), false);

    final Map<String, String> headers;
    final boolean validTrace;

    Inbound(Map<String, String> headers, boolean validTrace) {
      this.headers = headers;
      this.validTrace = validTrace;
    }
  }

  static Stream<Arguments> matrix() {
    List<Set<TraceFormat>> outbound = List.of(EnumSet.of(TraceFormat.W3C, TraceFormat.B3_MULTI),
        EnumSet.of(TraceFormat.W3C), EnumSet.of(TraceFormat.B3_MULTI), EnumSet.of(TraceFormat.B3_SINGLE),
        EnumSet.allOf(TraceFormat.class));
    List<Arguments> all = new ArrayList<>();
    for (Inbound in : Inbound.values()) {
      for (Set<TraceFormat> out : outbound) {
        all.add(Arguments.of(in, out));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} in, {1} out")
  @MethodSource("matrix")
  void theBackendSeesOneTraceANewSpanAndTheInboundRequestId(Inbound in, Set<TraceFormat> out) throws IOException {
    try (Mesh mesh = Mesh.builder()
        .registry(new ServiceRegistry().register("reviews", 9080, backend.endpoint()))
        .propagation(out.toArray(new TraceFormat[0]))
        .tracingSampling(100)
        .build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      try (MeshContext.Scope s = mesh.captureContext(in.headers::get).makeCurrent();
          Response r = client.newCall(new Request.Builder().url("http://reviews:9080/r").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      LoopbackBackend.Received got = backend.last();

      Map<String, String> traceIds = new LinkedHashMap<>();
      Map<String, String> spanIds = new LinkedHashMap<>();
      String traceparent = got.header("traceparent");
      if (out.contains(TraceFormat.W3C)) {
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        traceIds.put("traceparent", traceparent.substring(3, 35));
        spanIds.put("traceparent", traceparent.substring(36, 52));
      } else {
        assertThat(traceparent).isNull();
      }
      if (out.contains(TraceFormat.B3_MULTI)) {
        traceIds.put("x-b3-traceid", got.header("x-b3-traceid"));
        spanIds.put("x-b3-spanid", got.header("x-b3-spanid"));
        assertThat(got.header("x-b3-sampled")).isEqualTo("1");
        assertThat(got.header("x-b3-parentspanid")).matches("[0-9a-f]{16}").isNotEqualTo(SPAN);
      } else {
        assertThat(got.header("x-b3-traceid")).isNull();
        assertThat(got.header("x-b3-spanid")).isNull();
      }
      String b3 = got.header("b3");
      if (out.contains(TraceFormat.B3_SINGLE)) {
        assertThat(b3).matches("[0-9a-f]{32}-[0-9a-f]{16}-1");
        traceIds.put("b3", b3.substring(0, 32));
        spanIds.put("b3", b3.substring(33, 49));
      } else {
        assertThat(b3).isNull();
      }

      assertThat(traceIds).hasSize(out.size());
      assertThat(traceIds.values()).as("trace ids %s", traceIds)
          .allMatch(id -> id.equals(traceIds.values().iterator().next()));
      assertThat(spanIds.values()).as("span ids %s", spanIds)
          .allMatch(id -> id.equals(spanIds.values().iterator().next()))
          .allMatch(id -> id.matches("[0-9a-f]{16}") && !id.equals(SPAN));
      String trace = traceIds.values().iterator().next();
      if (in.validTrace) {
        assertThat(trace).isEqualTo(TRACE);
      } else {
        assertThat(trace).matches("[0-9a-f]{32}").isNotEqualTo(TRACE);
      }
      if (in == Inbound.NONE) {
        assertThat(got.header("x-request-id")).matches("[0-9a-f-]{36}").isNotEqualTo(RID);
      } else {
        assertThat(got.header("x-request-id")).isEqualTo(RID);
      }
      assertThat(got.headers().toString()).doesNotContain("zzzz", "not-a-b3-value", "deadbeef");
    }
  }
}
