package dev.mesh4j.core.metrics;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.internal.telemetry.IstioLabelMaps;
import dev.mesh4j.core.observe.MeshCall;
import java.util.List;
import java.util.Map;

/**
 * Istio's 25 standard metric labels for a request ({@code reporter="source"}, {@code source_*}
 * from the workload, {@code destination_*} from the route and the endpoint picked), exactly as
 * mesh4j's own OpenTelemetry metrics carry them, and for a request the workload answered
 * ({@code reporter="destination"}, {@link #ofInbound}) — for recording Istio's metrics in another
 * metrics library from a {@link dev.mesh4j.core.observe.MeshListener} (the Spring Boot starter does it for Micrometer).
 *
 * <pre>{@code
 * IstioMetricLabels labels = IstioMetricLabels.forWorkload(mesh.workload());
 * // in MeshListener.requestEnded(call):
 * registry.counter("istio_requests", toTags(labels.of(call))).increment();
 * }</pre>
 *
 * <p>Thread-safe. docs/telemetry.md lists the labels and where each value comes from.
 */
public final class IstioMetricLabels {
  /**
   * Envoy's default histogram buckets (milliseconds for durations, bytes for sizes), which Istio
   * keeps for {@code istio_request_duration_milliseconds}, {@code istio_request_bytes} and
   * {@code istio_response_bytes}.
   */
  public static final List<Double> BUCKETS = IstioLabelMaps.BUCKETS;

  private final IstioLabelMaps labels;

  private IstioMetricLabels(Workload workload) {
    this.labels = new IstioLabelMaps(workload);
  }

  /** Labels for the requests of a mesh running as {@code workload} (its {@code source_*} labels). */
  public static IstioMetricLabels forWorkload(Workload workload) {
    return new IstioMetricLabels(requireNonNull(workload, "workload"));
  }

  /**
   * The labels of a request, by name; call it from {@link MeshListener#requestEnded}, when
   * status and flags are final.
   */
  public Map<String, String> of(MeshCall call) {
    return labels.labels(requireNonNull(call, "call"));
  }

  /**
   * The labels of a request this workload answered, as the server's sidecar reports it
   * ({@code reporter="destination"}): {@code destination_*} from the workload,
   * {@code source_principal} and {@code source_workload_namespace} from the client's certificate,
   * {@code connection_security_policy} {@code mutual_tls} or {@code none};
   * {@code source_workload}, {@code source_app}, {@code source_version},
   * {@code source_canonical_service}, {@code source_canonical_revision} and
   * {@code source_cluster} from the caller's peer metadata
   * ({@link InboundRequest#peerMetadata()}), {@code unknown} (the revision {@code latest}) without.
   */
  public Map<String, String> ofInbound(InboundRequest request) {
    requireNonNull(request, "request");
    return labels.inbound(request.authority(), request.grpc(), request.status(), request.grpcStatus(),
        request.responseFlags(), request.peerPrincipal(), request.localPrincipal(), request.peerMetadata());
  }
}
