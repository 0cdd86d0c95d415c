package dev.mesh4j.core.internal.routing;

import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.cluster.ClusterSlot;
import dev.mesh4j.core.internal.cluster.ClusterTable;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A route destination resolved against the snapshot: its cluster slot(s), weight and header
 * changes. The clusters themselves are read from the table of the snapshot a request uses
 * ({@link ClusterTable}). Immutable and thread-safe.
 *
 * <p>A destination without a port on a multi-port service depends on the port the request
 * addressed, so clusters are kept per port; otherwise there is one cluster or none (503 NC).
 */
public final class CompiledDestination {
  private final String host;
  private final @Nullable String subset;
  private final @Nullable Integer port;
  private final int weight;
  private final @Nullable ClusterSlot fixed;
  private final Map<Integer, ClusterSlot> byPort;
  private final @Nullable String missing;
  private final HeaderTemplate requestHeaders;
  private final HeaderTemplate responseHeaders;
  private final @Nullable String authority;

  CompiledDestination(String host, @Nullable String subset, @Nullable Integer port, int weight,
      @Nullable ClusterSlot fixed, Map<Integer, ClusterSlot> byPort, @Nullable String missing,
      HeaderTemplate requestHeaders, HeaderTemplate responseHeaders, @Nullable String authority) {
    this.host = host;
    this.subset = subset;
    this.port = port;
    this.weight = weight;
    this.fixed = fixed;
    this.byPort = Map.copyOf(byPort);
    this.missing = missing;
    this.requestHeaders = requestHeaders;
    this.responseHeaders = responseHeaders;
    this.authority = authority;
  }

  /**
   * The cluster for a request on this service port, or null when it does not exist (NC).
   *
   * @param clusters the table of the snapshot these routes belong to, as the request read it
   */
  public @Nullable Cluster cluster(ClusterTable clusters, int requestPort) {
    if (fixed != null) {
      return fixed.get(clusters);
    }
    ClusterSlot slot = byPort.isEmpty() ? null : byPort.get(requestPort);
    return slot == null ? null : slot.get(clusters);
  }

  /**
   * The policy of the fixed cluster, or of any of the per-port ones (for what does not depend on
   * the port), or null when there is no cluster.
   */
  public @Nullable TrafficPolicy anyPolicy() {
    return fixed != null ? fixed.policy() : byPort.isEmpty() ? null : byPort.values().iterator().next().policy();
  }

  /** Why there is no cluster (for explain and warnings), or null when there is one. */
  public @Nullable String missing() {
    return missing;
  }

  public String host() {
    return host;
  }

  public @Nullable String subset() {
    return subset;
  }

  public @Nullable Integer port() {
    return port;
  }

  public int weight() {
    return weight;
  }

  /** Request header changes for this destination (route-level ones already folded in). */
  public HeaderTemplate requestHeaders() {
    return requestHeaders;
  }

  /** Response header changes (route-level ones already folded in). */
  public HeaderTemplate responseHeaders() {
    return responseHeaders;
  }

  /** The authority to send instead of the application's, or null to keep it. */
  public @Nullable String authority() {
    return authority;
  }

  @Override
  public String toString() {
    return host + (subset == null ? "" : " subset " + subset) + (port == null ? "" : " port " + port);
  }
}
