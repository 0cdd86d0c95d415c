package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.observe.MeshCall;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Istio's metric labels as a map of strings, for metric libraries other than OpenTelemetry. Thread-safe. */
public final class IstioLabelMaps {
  /** Envoy's default histogram buckets, as mesh4j's own histograms use them. */
  public static final List<Double> BUCKETS = IstioMetrics.BUCKETS;

  private final IstioLabels labels;

  public IstioLabelMaps(Workload workload) {
    this.labels = new IstioLabels(workload);
  }

  /** The 25 labels of a request that ended, by name. */
  public Map<String, String> labels(MeshCall call) {
    Map<String, String> out = new LinkedHashMap<>();
    labels.attributes(labels.destination(call), call).forEach((k, v) -> out.put(k.getKey(), String.valueOf(v)));
    return out;
  }

  /**
   * The 25 labels of a request this workload answered ({@code reporter="destination"}), by name;
   * the arguments are those of {@code dev.mesh4j.core.metrics.InboundRequest}.
   */
  public Map<String, String> inbound(@Nullable String authority, boolean grpc, int status,
      @Nullable String grpcStatus, String responseFlags, @Nullable String peerPrincipal,
      @Nullable String localPrincipal, @Nullable String peerMetadata) {
    Map<String, String> out = new LinkedHashMap<>();
    labels.inbound(authority, grpc, status, grpcStatus, responseFlags, peerPrincipal, localPrincipal, peerMetadata)
        .forEach((k, v) -> out.put(k.getKey(), String.valueOf(v)));
    return out;
  }
}
