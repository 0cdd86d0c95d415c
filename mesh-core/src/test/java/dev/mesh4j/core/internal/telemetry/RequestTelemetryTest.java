package dev.mesh4j.core.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.observe.MeshAttempt;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.observe.RouteDecision;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.RecordingListener;
import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One request's telemetry across attempts, as the retry loop will drive it. */
class RequestTelemetryTest {
  static final Endpoint E1 = Endpoint.of("10.0.0.1", 9080);
  static final Endpoint E2 = Endpoint.of("10.0.0.2", 9080);
  final AtomicLong nanos = new AtomicLong();
  final RecordingListener events = new RecordingListener();

  Telemetry telemetry(MeshListener... listeners) {
    Telemetry.Builder b = Telemetry.builder().random(RandomSource.seeded(1)).ticker(nanos::get);
    for (MeshListener l : listeners) {
      b.listener(l);
    }
    return b.listener(events).build();
  }

  static UpstreamRequest attempt(Endpoint e, int n) {
    return new UpstreamRequest(e, "http", "/r", null, "reviews:9080",
        HeaderMutation.of(List.of(new HeaderMutation.Op(HeaderMutation.Kind.SET, "x-route", "yes"))), n, null, null, null, null, null);
  }

  static String header(UpstreamRequest sent, String name) {
    String v = null;
    for (HeaderMutation.Op op : sent.headers().ops()) {
      if (op.name().equals(name)) {
        v = op.kind() == HeaderMutation.Kind.REMOVE ? null : op.value();
      }
    }
    return v;
  }

  static RouteDecision decision() {
    return new RouteDecision(RouteDecision.Outcome.ROUTE, "reviews:9080", 9080, "reviews.default.svc.cluster.local",
        "default", "default/reviews", "http[0]", null, null, null, null);
  }

  @Test
  void everyAttemptCarriesTheSameRequestIdAndTraceWithItsOwnSpanId() throws IOException {
    Telemetry telemetry = telemetry();
    RecordingExchange exchange = new RecordingExchange();
    MeshContext inbound = MeshContext.capture(Map.of("end-user", "jason", "x-request-id", "rid-1")::get, "end-user");
    RequestTelemetry<RecordingExchange.Result> t;
    try (MeshContext.Scope s = inbound.makeCurrent()) {
      t = (RequestTelemetry<RecordingExchange.Result>) telemetry.<RecordingExchange.Result>start(MeshRequest.builder("http://reviews:9080/r").build());
    }
    t.routed(decision());
    UpstreamRequest first = t.attemptStarted(attempt(E1, 1));
    t.attemptFailed(first, UpstreamFailure.CONNECT_FAILURE, new ConnectException("refused"));
    UpstreamRequest second = t.attemptStarted(attempt(E2, 2));
    t.attemptEnded(second, exchange.view(exchange.send(second)));

    assertThat(header(first, "x-request-id")).isEqualTo("rid-1").isEqualTo(header(second, "x-request-id"));
    assertThat(header(first, "end-user")).isEqualTo("jason").isEqualTo(header(second, "end-user"));
    assertThat(header(first, "x-route")).isEqualTo("yes");
    String tp1 = header(first, "traceparent");
    String tp2 = header(second, "traceparent");
    assertThat(tp1.substring(0, 36)).isEqualTo(tp2.substring(0, 36)).isEqualTo("00-" + t.traceId() + "-");
    assertThat(tp1.substring(36, 52)).isNotEqualTo(tp2.substring(36, 52)).isNotEqualTo(t.spanId());
    assertThat(header(first, "x-b3-parentspanid")).isEqualTo(t.spanId()).isEqualTo(header(second, "x-b3-parentspanid"));
    // Context headers come first (the route's operations may override them), trace headers last.
    assertThat(second.headers().ops().get(0).name()).isEqualTo("x-request-id");
    assertThat(second.headers().ops().get(1).name()).isEqualTo("end-user");
    assertThat(second.headers().ops().get(second.headers().ops().size() - 1).name()).isEqualTo("x-b3-parentspanid");
    assertThat(t.attempts()).isEqualTo(2);
    assertThat(t.lastAttempt().spanId()).isEqualTo(tp2.substring(36, 52));
  }

  @Test
  void eventsArePairedAndOrdered() throws IOException {
    Telemetry telemetry = telemetry();
    RecordingExchange exchange = new RecordingExchange();
    RequestTelemetry<RecordingExchange.Result> t = (RequestTelemetry<RecordingExchange.Result>) telemetry.<RecordingExchange.Result>start(MeshRequest.builder("http://reviews:9080/r").build());
    t.routed(decision());
    nanos.addAndGet(1_000_000);
    UpstreamRequest first = t.attemptStarted(attempt(E1, 1));
    nanos.addAndGet(2_000_000);
    t.attemptFailed(first, UpstreamFailure.CONNECT_FAILURE, new ConnectException("refused"));
    UpstreamRequest second = t.attemptStarted(attempt(E2, 2));
    nanos.addAndGet(3_000_000);
    RecordingExchange.Result response = exchange.send(second);
    t.attemptEnded(second, exchange.view(response));
    t.responded(exchange.view(response), "");
    exchange.complete(response, dev.mesh4j.core.http.HeaderMutation.NONE, t);

    assertThat(events.events()).containsExactly("requestStarted", "routed ROUTE default/reviews http[0]",
        "attemptStarted 1 10.0.0.1:9080", "attemptEnded 1 CONNECT_FAILURE",
        "attemptStarted 2 10.0.0.2:9080", "attemptEnded 2 200", "requestEnded 200");
    MeshCall call = events.lastCall();
    assertThat(call.durationNanos()).isEqualTo(6_000_000);
    MeshAttempt last = call.lastAttempt();
    assertThat(last.durationNanos()).isEqualTo(3_000_000);
    assertThat(last.endpoint()).isEqualTo(E2);
  }

  @Test
  void aRequestThatFailsWithAnExceptionEndsOnceWithDc() {
    Telemetry telemetry = telemetry();
    RecordingExchange exchange = new RecordingExchange();
    RequestTelemetry<RecordingExchange.Result> t = (RequestTelemetry<RecordingExchange.Result>) telemetry.<RecordingExchange.Result>start(MeshRequest.builder("http://reviews:9080/r").build());
    t.failed(new java.io.InterruptedIOException("timeout"));
    t.failed(new java.io.InterruptedIOException("again"));
    assertThat(events.events()).containsExactly("requestStarted", "requestEnded 0 DC");
  }

  @Test
  void aListenerThatThrowsIsLoggedAndIgnoredAndOthersStillHear() throws IOException {
    MeshListener broken = new MeshListener() {
      @Override
      public void requestStarted(MeshCall call) {
        throw new IllegalStateException("boom");
      }

      @Override
      public void requestEnded(MeshCall call) {
        throw new AssertionError("boom");
      }
    };
    Telemetry telemetry = telemetry(broken);
    RecordingExchange exchange = new RecordingExchange();
    assertThatCode(() -> {
      RequestTelemetry<RecordingExchange.Result> t =
          (RequestTelemetry<RecordingExchange.Result>) telemetry.<RecordingExchange.Result>start(MeshRequest.builder("http://reviews:9080/r").build());
      RecordingExchange.Result reply = exchange.reply(dev.mesh4j.core.http.LocalReply.of(503, "UH", "no healthy upstream"));
      t.responded(exchange.view(reply), "UH");
      exchange.complete(reply, dev.mesh4j.core.http.HeaderMutation.NONE, t);
    }).doesNotThrowAnyException();
    assertThat(events.events()).containsExactly("requestStarted", "requestEnded 503 UH");
  }

  @Test
  void listenersCompose() {
    RecordingListener a = new RecordingListener();
    RecordingListener b = new RecordingListener();
    assertThat(MeshListener.of(List.of(MeshListener.NONE))).isSameAs(MeshListener.NONE);
    assertThat(MeshListener.of(List.of(a, MeshListener.NONE))).isSameAs(a);
    MeshListener both = a.and(b);
    both.faultInjected(null, "DI");
    assertThat(a.events()).containsExactly("faultInjected DI");
    assertThat(b.events()).containsExactly("faultInjected DI");
  }
}
