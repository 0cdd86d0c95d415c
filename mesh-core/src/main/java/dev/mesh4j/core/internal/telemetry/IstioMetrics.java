package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.observe.EndpointEjection;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Istio's standard HTTP metrics, recorded through the OpenTelemetry metrics API as a client
 * sidecar reports them ({@code reporter="source"}): {@code istio_requests_total},
 * {@code istio_request_duration_milliseconds}, {@code istio_request_bytes},
 * {@code istio_response_bytes}. The instruments carry Istio's full names, so a Prometheus
 * exporter shows exactly those (it adds no second {@code _total} or unit suffix); the
 * histograms use Envoy's default buckets.
 *
 * <p>Bytes are body bytes: the request's declared length (a request body of unknown length is not
 * recorded), and the response body bytes the application read.
 *
 * <p>Outlier detection as Envoy's cluster stats name it, labelled by {@code cluster_name}:
 * {@code envoy_cluster_outlier_detection_ejections_enforced_total} (ejections made) and
 * {@code envoy_cluster_outlier_detection_ejections_active} (endpoints out now). Thread-safe.
 */
final class IstioMetrics implements MeshListener {
  /** Envoy's default histogram buckets, which Istio keeps for all its histograms. */
  static final List<Double> BUCKETS = List.of(0.5, 1d, 5d, 10d, 25d, 50d, 100d, 250d, 500d, 1000d, 2500d,
      5000d, 10000d, 30000d, 60000d, 300000d, 600000d, 1800000d, 3600000d);
  /** Label sets cached; past this many distinct ones, they are built per request. */
  private static final int MAX_CACHED = 4096;

  private record Key(IstioLabels.Destination destination, int status, String flags, String grpcStatus,
      boolean grpc) {}

  private final IstioLabels labels;
  private final LongCounter requests;
  private final DoubleHistogram duration;
  private final DoubleHistogram requestBytes;
  private final DoubleHistogram responseBytes;
  private final ConcurrentHashMap<Key, Attributes> cache = new ConcurrentHashMap<>();
  private final LongCounter ejectionsEnforced;
  private final LongUpDownCounter ejectionsActive;
  private static final AttributeKey<String> CLUSTER_NAME = AttributeKey.stringKey("cluster_name");

  IstioMetrics(MeterProvider provider, Workload workload) {
    Meter meter = provider.get(Telemetry.SCOPE);
    this.labels = new IstioLabels(workload);
    this.requests = meter.counterBuilder("istio_requests_total")
        .setDescription("Requests, as an Istio sidecar counts them (reporter=source).").build();
    this.duration = meter.histogramBuilder("istio_request_duration_milliseconds").setUnit("ms")
        .setDescription("Request durations, from request start to the end of the response body.")
        .setExplicitBucketBoundariesAdvice(BUCKETS).build();
    this.requestBytes = meter.histogramBuilder("istio_request_bytes").setUnit("By")
        .setDescription("Request body sizes.").setExplicitBucketBoundariesAdvice(BUCKETS).build();
    this.responseBytes = meter.histogramBuilder("istio_response_bytes").setUnit("By")
        .setDescription("Response body sizes.").setExplicitBucketBoundariesAdvice(BUCKETS).build();
    this.ejectionsEnforced = meter.counterBuilder("envoy_cluster_outlier_detection_ejections_enforced_total")
        .setDescription("Endpoints ejected by outlier detection, per cluster (Envoy's cluster stat).").build();
    this.ejectionsActive = meter.upDownCounterBuilder("envoy_cluster_outlier_detection_ejections_active")
        .setDescription("Endpoints ejected now, per cluster (Envoy's cluster stat).").build();
  }

  @Override
  public void endpointEjected(EndpointEjection e) {
    Attributes a = Attributes.of(CLUSTER_NAME, e.cluster());
    ejectionsEnforced.add(1, a);
    ejectionsActive.add(1, a);
  }

  @Override
  public void endpointReturned(EndpointEjection e) {
    ejectionsActive.add(-1, Attributes.of(CLUSTER_NAME, e.cluster()));
  }

  @Override
  public void requestEnded(MeshCall call) {
    Attributes a = attributes(call);
    requests.add(1, a);
    duration.record(call.durationNanos() / 1_000_000.0, a);
    if (call.requestBytes() >= 0) {
      requestBytes.record(call.requestBytes(), a);
    }
    responseBytes.record(Math.max(0, call.responseBytes()), a);
  }

  private Attributes attributes(MeshCall call) {
    IstioLabels.Destination d = labels.destination(call);
    String grpcStatus = call.grpcStatus();
    Key key = new Key(d, call.status(), call.responseFlags(), grpcStatus == null ? "" : grpcStatus, call.isGrpc());
    Attributes a = cache.get(key);
    if (a == null) {
      a = labels.attributes(d, call);
      if (cache.size() < MAX_CACHED) {
        cache.putIfAbsent(key, a);
      }
    }
    return a;
  }

  @Override
  public String toString() {
    return "IstioMetrics";
  }
}
