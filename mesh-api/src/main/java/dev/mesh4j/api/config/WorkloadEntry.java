package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

/**
 * An Istio {@code WorkloadEntry}: a workload outside Kubernetes that ServiceEntries can select.
 *
 * @param metadata name, namespace and origin
 * @param spec the workload's address, ports, labels and weight
 */
public record WorkloadEntry(ObjectMeta metadata, WorkloadEndpoint spec) implements IstioResource {
  public WorkloadEntry {
    requireNonNull(metadata, "metadata");
    requireNonNull(spec, "spec");
  }
}
