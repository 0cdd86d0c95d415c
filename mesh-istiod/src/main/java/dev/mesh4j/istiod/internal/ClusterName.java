package dev.mesh4j.istiod.internal;

import org.jspecify.annotations.Nullable;

/**
 * An Istio outbound cluster name, {@code outbound|9080|v2|reviews.default.svc.cluster.local}:
 * direction, port, subset (empty for the service's default cluster) and host, as istiod's
 * {@code model.BuildSubsetKey} writes it. What a route names, and so what a mesh4j destination is.
 *
 * @param port the service port
 * @param subset the subset, or null for the default cluster
 * @param host the service host (a fully qualified name)
 */
public record ClusterName(int port, @Nullable String subset, String host) {

  /** Reads {@code name}, or returns null when it is not an outbound cluster name. */
  public static @Nullable ClusterName parse(String name) {
    String[] parts = name.split("\\|", -1);
    if (parts.length != 4 || !parts[0].equals("outbound") || parts[3].isEmpty()) {
      return null;
    }
    int port;
    try {
      port = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return null;
    }
    if (port < 1 || port > 65535) {
      return null;
    }
    return new ClusterName(port, parts[2].isEmpty() ? null : parts[2], parts[3]);
  }

  /** The default cluster of a service port. */
  public static String defaultCluster(String host, int port) {
    return "outbound|" + port + "||" + host;
  }

  @Override
  public String toString() {
    return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
  }
}
