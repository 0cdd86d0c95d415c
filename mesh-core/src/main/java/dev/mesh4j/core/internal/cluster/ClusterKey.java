package dev.mesh4j.core.internal.cluster;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Identifies a cluster as Envoy does: service host, subset and port.
 *
 * @param host the service's canonical host name
 * @param subset the subset name, or null for all endpoints
 * @param port the service port
 */
public record ClusterKey(String host, @Nullable String subset, int port) {
  public ClusterKey {
    requireNonNull(host, "host");
  }

  /** Envoy's cluster name: {@code outbound|9080|v1|reviews.default.svc.cluster.local}. */
  public String envoyName() {
    return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
  }

  @Override
  public String toString() {
    return envoyName();
  }
}
