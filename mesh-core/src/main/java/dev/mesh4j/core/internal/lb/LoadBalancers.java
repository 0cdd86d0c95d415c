package dev.mesh4j.core.internal.lb;

import dev.mesh4j.api.config.LoadBalancerSettings;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Builds the load balancer a cluster's merged policy asks for. */
public final class LoadBalancers {
  private LoadBalancers() {}

  /**
   * The balancer for these hosts.
   *
   * @param settings the cluster's merged {@code loadBalancer} settings, or null for Istio's
   *     default
   */
  public static LoadBalancer create(
      @Nullable LoadBalancerSettings settings, List<UpstreamHost> hosts, ClusterState state) {
    return new RoundRobinLoadBalancer(hosts, state);
  }
}
