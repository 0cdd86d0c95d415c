package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An Istio {@code Sidecar}. A client reads its outbound traffic policy and egress hosts; the
 * rest configures inbound traffic of a proxy and is ignored.
 *
 * @param metadata name, namespace and origin
 * @param workloadSelector labels of the workloads this applies to; empty means the namespace
 * @param egressHosts the {@code egress[].hosts} entries ({@code namespace/host})
 * @param outboundTrafficPolicy the mode, or null when not set
 */
public record Sidecar(
    ObjectMeta metadata,
    Map<String, String> workloadSelector,
    List<String> egressHosts,
    @Nullable OutboundTrafficPolicy outboundTrafficPolicy)
    implements IstioResource {

  public Sidecar {
    requireNonNull(metadata, "metadata");
    workloadSelector = Copies.map(workloadSelector);
    egressHosts = Copies.list(egressHosts);
  }
}
