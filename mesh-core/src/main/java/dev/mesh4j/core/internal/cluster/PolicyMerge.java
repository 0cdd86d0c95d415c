package dev.mesh4j.core.internal.cluster;

import dev.mesh4j.api.config.PortTrafficPolicy;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.TrafficPolicy;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The traffic policy of a cluster, merged from a DestinationRule as Istio does
 * ({@code MergeSubsetTrafficPolicy}, {@code GetPortLevelTrafficPolicy}):
 *
 * <ol>
 *   <li>At each level (rule, then subset), a {@code portLevelSettings} entry for the cluster's
 *       port replaces that level's policy whole: its load balancer, pool, outlier detection and
 *       TLS are taken from the entry, and what the entry leaves unset is not inherited (Istio's
 *       documented behaviour).
 *   <li>A subset's policy then overrides the rule's part by part: each of load balancer, pool,
 *       outlier detection and TLS the subset sets replaces the rule's whole part. If the subset
 *       has a port-level entry for the port, all four parts come from it.
 *   <li>The retry budget, which port-level entries do not have: the subset's if it sets one, else
 *       the rule's — unless the rule has a port-level entry for the port, which replaced the rule's
 *       policy and so leaves no budget to inherit (Istio's {@code MergeTrafficPolicy} keeps the
 *       merged budget even when the subset's port-level entry replaces the other parts).
 * </ol>
 */
public final class PolicyMerge {
  private PolicyMerge() {}

  public static TrafficPolicy merge(@Nullable TrafficPolicy top, @Nullable Subset subset, int port) {
    TrafficPolicy base = atPort(top, port);
    TrafficPolicy sub = subset == null ? null : subset.trafficPolicy();
    if (sub == null) {
      return base;
    }
    PortTrafficPolicy subPort = sub.forPort(port);
    if (subPort != null) {
      return fromPort(subPort, base.retryBudget());
    }
    return new TrafficPolicy(
        sub.loadBalancer() != null ? sub.loadBalancer() : base.loadBalancer(),
        sub.connectionPool() != null ? sub.connectionPool() : base.connectionPool(),
        sub.outlierDetection() != null ? sub.outlierDetection() : base.outlierDetection(),
        sub.tls() != null ? sub.tls() : base.tls(),
        List.of(),
        sub.retryBudget() != null ? sub.retryBudget() : base.retryBudget());
  }

  private static TrafficPolicy atPort(@Nullable TrafficPolicy policy, int port) {
    if (policy == null) {
      return TrafficPolicy.EMPTY;
    }
    PortTrafficPolicy p = policy.forPort(port);
    if (p != null) {
      return fromPort(p, null);
    }
    return new TrafficPolicy(policy.loadBalancer(), policy.connectionPool(),
        policy.outlierDetection(), policy.tls(), List.of(), policy.retryBudget());
  }

  private static TrafficPolicy fromPort(PortTrafficPolicy p, TrafficPolicy.@Nullable RetryBudget retryBudget) {
    return new TrafficPolicy(p.loadBalancer(), p.connectionPool(), p.outlierDetection(), p.tls(),
        List.of(), retryBudget);
  }
}
