package dev.mesh4j.core.internal.lb;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Weighted round robin over healthy hosts, starting at a random offset per cluster so that many
 * clients do not hit the first endpoint together.
 *
 * <p>Equal weights rotate through the hosts. Unequal weights follow a precomputed smooth
 * weighted schedule (each host appears {@code weight} times per cycle, interleaved rather than
 * in bursts), which gives the exact shares Envoy's weighted round robin converges to. The
 * position is one lock-free counter in the {@link ClusterState}.
 */
final class RoundRobinLoadBalancer implements LoadBalancer {
  /** Above this many slots per cycle the schedule is scaled down to keep memory bounded. */
  static final int MAX_SCHEDULE = 1 << 16;

  private final List<UpstreamHost> hosts;
  private final ClusterState state;
  private final UpstreamHost[] schedule;

  RoundRobinLoadBalancer(List<UpstreamHost> hosts, ClusterState state) {
    this.hosts = List.copyOf(hosts);
    this.state = state;
    this.schedule = schedule(this.hosts);
  }

  @Override
  public @Nullable UpstreamHost pick(PickContext context) {
    int n = schedule.length;
    if (n == 0) {
      return null;
    }
    long start = state.roundRobin().getAndIncrement();
    // Walk from the scheduled slot to the next healthy host not to be avoided; fall back to
    // the first healthy one when every healthy host is to be avoided.
    UpstreamHost fallback = null;
    for (int i = 0; i < n; i++) {
      UpstreamHost h = schedule[(int) Long.remainderUnsigned(start + i, n)];
      if (!h.isHealthy()) {
        continue;
      }
      if (!context.shouldAvoid(h)) {
        return h;
      }
      if (fallback == null) {
        fallback = h;
      }
    }
    return fallback;
  }

  @Override
  public List<UpstreamHost> hosts() {
    return hosts;
  }

  @Override
  public String name() {
    return "ROUND_ROBIN";
  }

  /** Smooth weighted round robin (each step: add weights, pick the max, subtract the total). */
  static UpstreamHost[] schedule(List<UpstreamHost> hosts) {
    if (hosts.isEmpty()) {
      return new UpstreamHost[0];
    }
    boolean equal = hosts.stream().allMatch(h -> h.weight() == hosts.get(0).weight());
    if (equal) {
      return hosts.toArray(new UpstreamHost[0]);
    }
    long total = 0;
    for (UpstreamHost h : hosts) {
      total += h.weight();
    }
    long[] weights = new long[hosts.size()];
    long divisor = total > MAX_SCHEDULE ? (total + MAX_SCHEDULE - 1) / MAX_SCHEDULE : 1;
    total = 0;
    for (int i = 0; i < weights.length; i++) {
      weights[i] = Math.max(1, hosts.get(i).weight() / divisor);
      total += weights[i];
    }
    long[] current = new long[weights.length];
    List<UpstreamHost> out = new ArrayList<>((int) total);
    for (long step = 0; step < total; step++) {
      int best = 0;
      for (int i = 0; i < weights.length; i++) {
        current[i] += weights[i];
        if (current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      out.add(hosts.get(best));
    }
    return out.toArray(new UpstreamHost[0]);
  }
}
