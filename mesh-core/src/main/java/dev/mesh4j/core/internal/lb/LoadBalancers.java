package dev.mesh4j.core.internal.lb;

import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.LoadBalancerSettings.SimpleLb;
import dev.mesh4j.api.config.OutlierDetection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds the load balancer a cluster's merged policy asks for, as Istio configures Envoy
 * ({@code pilot/pkg/networking/core/cluster_traffic_policy.go} {@code applyLoadBalancer},
 * {@code ApplyRingHashLoadBalancer}):
 *
 * <ul>
 *   <li>{@code consistentHash} present: {@code maglev} → {@link MaglevLoadBalancer} (table size
 *       default 65537), otherwise {@link RingHashLoadBalancer} (minimum ring size from
 *       {@code ringHash} or the deprecated top-level field, default 1024). The request hash is
 *       computed separately, by {@code hash.RequestHasher}.
 *   <li>{@code ROUND_ROBIN} → {@link RoundRobinLoadBalancer}; {@code RANDOM} →
 *       {@link RandomLoadBalancer}; {@code LEAST_REQUEST}, {@code LEAST_CONN},
 *       {@code UNSPECIFIED} and no settings at all → {@link LeastRequestLoadBalancer}.
 *   <li>{@code PASSTHROUGH} → no balancer: check {@link #isPassthrough} first and send to the
 *       address the application named.
 * </ul>
 *
 * <p>{@code warmup} ramps new endpoints' weights ({@link SlowStart}) under {@code ROUND_ROBIN} and
 * {@code LEAST_REQUEST}, where Istio sets Envoy's {@code slow_start_config}; a {@link PriorityPlan}
 * gives the hosts priorities and locality weights ({@code localityLbSetting}).
 *
 * <p>Build balancers off the request path (snapshot compilation); they are immutable apart
 * from the state in the {@link ClusterState}, which a new balancer for the same cluster
 * continues (active-request counters, health, round-robin position).
 */
public final class LoadBalancers {
  private LoadBalancers() {}

  /**
   * Whether these settings ask for no balancing ({@code simple: PASSTHROUGH}, Envoy's
   * {@code ORIGINAL_DST} cluster): the request goes to the address the application named.
   */
  public static boolean isPassthrough(@Nullable LoadBalancerSettings settings) {
    return settings != null && settings.consistentHash() == null
        && settings.simple() == SimpleLb.PASSTHROUGH;
  }

  /**
   * The panic threshold for {@link #create}: {@code outlierDetection.minHealthPercent},
   * 0 (panic off) without it. See {@link Panic}.
   */
  public static int panicThreshold(@Nullable OutlierDetection outlierDetection) {
    return Panic.threshold(outlierDetection);
  }

  /**
   * The balancer for these hosts.
   *
   * @param settings the cluster's merged {@code loadBalancer} settings, or null for Istio's
   *     default ({@code LEAST_REQUEST})
   * @param panicThreshold percent of healthy hosts below which the balancer picks from all
   *     hosts ({@link #panicThreshold(OutlierDetection)}); 0 turns panic off
   * @param hosts the cluster's endpoints in discovery order, each with its state from
   *     {@code state} ({@link UpstreamHost#of})
   * @param state the cluster's state, shared with the balancers of earlier snapshots
   * @throws IllegalArgumentException for {@code PASSTHROUGH} (see {@link #isPassthrough}), an
   *     out-of-range ring or table size, or a host whose state belongs to another cluster
   */
  public static LoadBalancer create(
      @Nullable LoadBalancerSettings settings,
      int panicThreshold,
      List<UpstreamHost> hosts,
      ClusterState state) {
    return create(settings, panicThreshold, hosts, state, PriorityPlan.SINGLE);
  }

  /**
   * The balancer for these hosts, with priorities and locality weights as {@code plan} gives
   * them ({@link PriorityPlan#of}).
   *
   * @param plan the hosts' priorities and localities, made for {@code hosts}
   * @see #create(LoadBalancerSettings, int, List, ClusterState)
   */
  public static LoadBalancer create(
      @Nullable LoadBalancerSettings settings,
      int panicThreshold,
      List<UpstreamHost> hosts,
      ClusterState state,
      PriorityPlan plan) {
    if (isPassthrough(settings)) {
      throw new IllegalArgumentException(
          "PASSTHROUGH clusters have no balancer; check LoadBalancers.isPassthrough first");
    }
    ConsistentHashLb hash = settings == null ? null : settings.consistentHash();
    if (hash != null) {
      if (hash.maglev()) {
        long size = hash.maglevTableSize() != null
            ? hash.maglevTableSize() : ConsistentHashLb.DEFAULT_MAGLEV_TABLE_SIZE;
        return new MaglevLoadBalancer(hosts, state, panicThreshold, size, plan);
      }
      long ring = hash.ringHashMinimumRingSize() != null && hash.ringHashMinimumRingSize() > 0
          ? hash.ringHashMinimumRingSize() : ConsistentHashLb.DEFAULT_MINIMUM_RING_SIZE;
      return new RingHashLoadBalancer(hosts, state, panicThreshold, ring, plan);
    }
    SimpleLb simple = settings == null || settings.simple() == null
        ? SimpleLb.UNSPECIFIED : settings.simple();
    // Istio sets slow start on ROUND_ROBIN and LEAST_REQUEST clusters only (setWarmup).
    SlowStart slowStart = SlowStart.of(settings == null ? null : settings.warmup());
    return switch (simple) {
      case ROUND_ROBIN -> new RoundRobinLoadBalancer(hosts, state, panicThreshold, plan, slowStart);
      case RANDOM -> new RandomLoadBalancer(hosts, state, panicThreshold, plan);
      // PASSTHROUGH was rejected above; it is listed only to keep the switch exhaustive.
      case UNSPECIFIED, LEAST_CONN, LEAST_REQUEST, PASSTHROUGH ->
          new LeastRequestLoadBalancer(hosts, state, panicThreshold, plan, slowStart);
    };
  }
}
