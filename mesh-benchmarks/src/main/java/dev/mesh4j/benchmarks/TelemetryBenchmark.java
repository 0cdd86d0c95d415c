package dev.mesh4j.benchmarks;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.internal.telemetry.RequestTelemetry;
import dev.mesh4j.core.internal.telemetry.Telemetry;
import dev.mesh4j.core.observe.RouteDecision;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The telemetry of one request, as the pipeline drives it: start (request id, context, parent,
 * request span), routed, one attempt (its span and trace headers: W3C + B3 multi), attempt end,
 * request end (span end, Istio metrics). Routing and the transport are not included.
 *
 * <ul>
 *   <li>{@code apiOnly}: no OpenTelemetry SDK, nothing current — the default cost.
 *   <li>{@code apiOnlyInboundContext}: no SDK, an inbound context current (traceparent, baggage,
 *       x-request-id, end-user), so the outbound request also gets the context's headers.
 *   <li>{@code sdkNoopExporter}: the OpenTelemetry SDK recording both spans (exported to a no-op
 *       exporter) and the four Istio instruments (read by a periodic reader that never runs here).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TelemetryBenchmark {
  static final UpstreamRequest ATTEMPT = new UpstreamRequest(
      new Endpoint("10.0.0.2", 9080, Map.of("app", "reviews", "version", "v2"), 1, null), "http", "/reviews/1", null,
      "reviews:9080", HeaderMutation.NONE, 1, null, null, null, null, null);
  static final RouteDecision ROUTED = new RouteDecision(RouteDecision.Outcome.ROUTE, "reviews:9080", 9080,
      "reviews.default.svc.cluster.local", "default", "default/reviews", "jason", "reviews.default.svc.cluster.local",
      "default", "v2", "outbound|9080|v2|reviews.default.svc.cluster.local");

  final MeshRequest request = MeshRequest.builder("http://reviews:9080/reviews/1").build();
  final FixedExchange exchange = new FixedExchange();
  Telemetry apiOnly;
  Telemetry sdk;
  OpenTelemetrySdk openTelemetry;
  MeshContext inbound;

  @Setup(Level.Trial)
  public void setUp() {
    Workload workload = Workload.builder().name("productpage-v1").label("app", "productpage").label("version", "v1")
        .build();
    apiOnly = Telemetry.builder().openTelemetry(OpenTelemetry.noop()).workload(workload).build();
    openTelemetry = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(new NoopSpans())).build())
        .setMeterProvider(SdkMeterProvider.builder()
            .registerMetricReader(PeriodicMetricReader.builder(new NoopMetrics()).setInterval(Duration.ofHours(1)).build())
            .build())
        .build();
    sdk = Telemetry.builder().openTelemetry(openTelemetry).workload(workload).build();
    inbound = MeshContext.capture(Map.of(
        "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "baggage", "tenant=acme",
        "x-request-id", "d5e7a1c2-7c1e-4b9a-9d3f-5a0f1e2b3c4d",
        "end-user", "jason")::get, List.of("end-user"));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    openTelemetry.close();
  }

  private void request(Telemetry telemetry, Blackhole bh) {
    RequestTelemetry<Object> t = (RequestTelemetry<Object>) telemetry.<Object>start(request);
    t.routed(ROUTED);
    UpstreamRequest sent = t.attemptStarted(ATTEMPT);
    ResponseInfo info = exchange.view(exchange.response);
    t.attemptEnded(sent, info);
    t.responded(info, "");
    bh.consume(sent);
    bh.consume(exchange.complete(exchange.response, HeaderMutation.NONE, t));
  }

  @Benchmark
  public void apiOnly(Blackhole bh) {
    request(apiOnly, bh);
  }

  @Benchmark
  public void apiOnlyInboundContext(Blackhole bh) {
    try (MeshContext.Scope s = inbound.makeCurrent()) {
      request(apiOnly, bh);
    }
  }

  @Benchmark
  public void sdkNoopExporter(Blackhole bh) {
    request(sdk, bh);
  }

  /** A transport whose every response is the same 200 with a 42-byte body, read at once. */
  static final class FixedExchange implements Exchange<Object> {
    final Object response = new Object();
    static final ResponseInfo OK = new ResponseInfo(200, null, 42, "HTTP/1.1");

    @Override
    public Object send(UpstreamRequest request) {
      return response;
    }

    @Override
    public UpstreamFailure classify(java.io.IOException failure) {
      return UpstreamFailure.CONNECTION_TERMINATION;
    }

    @Override
    public ResponseInfo view(Object response) {
      return OK;
    }

    @Override
    public void discard(Object response) {}

    @Override
    public Object complete(Object response, HeaderMutation headers, LongConsumer done) {
      done.accept(42);
      return response;
    }

    @Override
    public Object reply(LocalReply reply) {
      return response;
    }
  }

  static final class NoopSpans implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  static final class NoopMetrics implements MetricExporter {
    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType type) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
