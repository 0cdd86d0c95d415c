package dev.mesh4j.spring.autoconfigure.metrics;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.metrics.InboundRequest;
import dev.mesh4j.core.metrics.IstioMetricLabels;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.observe.ConfigChange;
import dev.mesh4j.core.observe.EndpointEjection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Istio's standard metrics in Micrometer, with Istio's names and its 25 labels, so that a
 * Prometheus scrape ({@code /actuator/prometheus}) shows what Kiali and Istio's dashboards query:
 * {@code istio_requests_total}, {@code istio_request_duration_milliseconds_bucket|_sum|_count},
 * {@code istio_request_bytes_*}, {@code istio_response_bytes_*}, histograms with Envoy's buckets.
 *
 * <p>A {@link MeshListener} (recording when a request ends) and a {@link MeterBinder} (Boot binds
 * it to the application's registry). Requests the application answers are recorded too, with
 * {@code reporter="destination"} ({@link #inboundEnded}, called by the starter's inbound filters). The labels are those of mesh4j's own OpenTelemetry metrics
 * ({@link IstioMetricLabels}). Meters are cached per label set, up to 4096 sets. Outlier
 * detection as Envoy's cluster stats, by {@code cluster_name}:
 * {@code envoy_cluster_outlier_detection_ejections_enforced_total} and
 * {@code envoy_cluster_outlier_detection_ejections_active}. Thread-safe.
 */
public final class MicrometerIstioMetrics implements MeshListener, MeterBinder {
  private static final int MAX_CACHED = 4096;

  private record Meters(Counter requests, DistributionSummary duration, DistributionSummary requestBytes,
      DistributionSummary responseBytes) {}

  private final Supplier<Workload> workload;
  private final double[] buckets;
  private volatile @Nullable MeterRegistry registry;
  private volatile @Nullable IstioMetricLabels labels;
  private final ConcurrentHashMap<Map<String, String>, Meters> meters = new ConcurrentHashMap<>();
  /** Endpoints ejected now, per cluster (the gauge reads these). */
  private final ConcurrentHashMap<String, AtomicInteger> ejected = new ConcurrentHashMap<>();

  /** Metrics for a mesh running as the workload {@code workload} supplies (asked once, at the first request). */
  public MicrometerIstioMetrics(Supplier<Workload> workload) {
    this.workload = requireNonNull(workload, "workload");
    this.buckets = IstioMetricLabels.BUCKETS.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
    meters.clear();
  }

  @Override
  public void requestEnded(MeshCall call) {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    Meters m = meters(r, labels().of(call));
    m.requests().increment();
    m.duration().record(call.durationNanos() / 1_000_000.0);
    if (call.requestBytes() >= 0) {
      m.requestBytes().record(call.requestBytes());
    }
    m.responseBytes().record(Math.max(0, call.responseBytes()));
  }

  /**
   * Records a request the application answered, as the server's sidecar reports it
   * ({@code reporter="destination"}, labels from {@link IstioMetricLabels#ofInbound}): the inbound
   * filters call it when the response is complete.
   *
   * @param durationNanos from the request's arrival to its response's completion
   * @param requestBytes the request body's declared length, or -1 when unknown (not recorded)
   * @param responseBytes the response body's declared length, or -1 when unknown (not recorded)
   */
  public void inboundEnded(InboundRequest request, long durationNanos, long requestBytes, long responseBytes) {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    Meters m = meters(r, labels().ofInbound(request));
    m.requests().increment();
    m.duration().record(durationNanos / 1_000_000.0);
    if (requestBytes >= 0) {
      m.requestBytes().record(requestBytes);
    }
    if (responseBytes >= 0) {
      m.responseBytes().record(responseBytes);
    }
  }

  private Meters meters(MeterRegistry r, Map<String, String> tags) {
    Meters m = meters.get(tags);
    if (m == null) {
      m = register(r, tags);
      if (meters.size() < MAX_CACHED) {
        meters.putIfAbsent(tags, m);
      }
    }
    return m;
  }

  @Override
  public void endpointEjected(EndpointEjection e) {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    Counter.builder("envoy_cluster_outlier_detection_ejections_enforced")
        .description("Endpoints ejected by outlier detection, per cluster (Envoy's cluster stat).")
        .tag("cluster_name", e.cluster()).register(r).increment();
    active(r, e.cluster()).incrementAndGet();
  }

  @Override
  public void configRejected(ConfigChange c) {
    MeterRegistry r = registry;
    if (r != null) {
      Counter.builder("mesh4j_config_rejections")
          .description("Updates of a configuration source refused, wholly or in part (resources skipped).")
          .tag("source", c.source()).register(r).increment();
    }
  }

  @Override
  public void endpointReturned(EndpointEjection e) {
    MeterRegistry r = registry;
    if (r != null) {
      active(r, e.cluster()).decrementAndGet();
    }
  }

  private AtomicInteger active(MeterRegistry r, String cluster) {
    return ejected.computeIfAbsent(cluster, c -> {
      AtomicInteger n = new AtomicInteger();
      Gauge.builder("envoy_cluster_outlier_detection_ejections_active", n, AtomicInteger::get)
          .description("Endpoints ejected now, per cluster (Envoy's cluster stat).")
          .tag("cluster_name", c).register(r);
      return n;
    });
  }

  private IstioMetricLabels labels() {
    IstioMetricLabels l = labels;
    if (l == null) {
      l = IstioMetricLabels.forWorkload(workload.get());
      labels = l;
    }
    return l;
  }

  private Meters register(MeterRegistry r, Map<String, String> labels) {
    List<Tag> tags = new ArrayList<>(labels.size());
    labels.forEach((k, v) -> tags.add(Tag.of(k, v)));
    // Prometheus adds "_total" to a counter's name; summaries without a base unit keep theirs.
    Counter requests = Counter.builder("istio_requests")
        .description("Requests, as an Istio sidecar counts them (reporter=source: sent; destination: answered).").tags(tags).register(r);
    return new Meters(requests,
        summary(r, "istio_request_duration_milliseconds", "Request durations in milliseconds.", tags),
        summary(r, "istio_request_bytes", "Request body sizes.", tags),
        summary(r, "istio_response_bytes", "Response body sizes.", tags));
  }

  private DistributionSummary summary(MeterRegistry r, String name, String description, List<Tag> tags) {
    return DistributionSummary.builder(name).description(description).tags(tags)
        .serviceLevelObjectives(buckets).register(r);
  }

  @Override
  public String toString() {
    return "MicrometerIstioMetrics";
  }
}
