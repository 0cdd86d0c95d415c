package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An Istio {@code DestinationRule}: subsets of a service and the traffic policy for it.
 *
 * @param metadata name, namespace and origin
 * @param host the service host as written (wildcards allowed)
 * @param trafficPolicy the policy for every subset and port, or null
 * @param subsets named label selections over the service's endpoints
 * @param exportTo the namespaces this is visible to; empty means all
 * @param workloadSelector labels a workload must carry for this rule to apply to it; empty means
 *     every workload
 */
public record DestinationRule(
    ObjectMeta metadata,
    String host,
    @Nullable TrafficPolicy trafficPolicy,
    List<Subset> subsets,
    List<String> exportTo,
    Map<String, String> workloadSelector)
    implements IstioResource {

  public DestinationRule {
    requireNonNull(metadata, "metadata");
    requireNonNull(host, "host");
    subsets = Copies.list(subsets);
    exportTo = Copies.list(exportTo);
    workloadSelector = Copies.map(workloadSelector);
  }

  /** The subset of that name, or null. */
  public @Nullable Subset subset(String name) {
    for (Subset s : subsets) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }
}
