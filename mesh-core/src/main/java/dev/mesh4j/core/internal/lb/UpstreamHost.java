package dev.mesh4j.core.internal.lb;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.endpoint.Endpoint;

/**
 * An endpoint as a member of one cluster: its immutable description and its shared state.
 *
 * @param endpoint the address, labels and weight
 * @param state the in-flight counter and health, kept across snapshots
 */
public record UpstreamHost(Endpoint endpoint, EndpointState state) {
  public UpstreamHost {
    requireNonNull(endpoint, "endpoint");
    requireNonNull(state, "state");
  }

  public int weight() {
    return endpoint.weight();
  }

  public boolean isHealthy() {
    return !state.isEjected();
  }

  @Override
  public String toString() {
    return endpoint.toString();
  }
}
