package dev.mesh4j.core.internal.lb;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code ROUND_ROBIN}: weighted round robin over the usable hosts, from a random start offset
 * per cluster so that many clients do not hit the first endpoint together.
 *
 * <p>Envoy ({@code round_robin_lb.h} {@code RoundRobinLoadBalancer::unweightedHostPick},
 * {@code load_balancer_impl.cc} {@code EdfLoadBalancerBase::refresh}) walks the host list with
 * an index seeded at random when all weights are equal, and runs an EDF scheduler when they
 * differ. Equal weights here are the same walk. Unequal weights follow a smooth weighted
 * schedule precomputed per table (each step adds every weight to its host's credit, picks the
 * largest credit and subtracts the total): each host appears {@code weight} times per cycle,
 * interleaved, which are exactly the shares EDF's deadlines {@code 1/weight} give, without EDF's
 * lock. Envoy checks equality on the hosts actually used (healthy, or all in panic); so does
 * the table.
 *
 * <p>The position is one lock-free counter in the {@link ClusterState}, so a rebuilt balancer
 * (health change, reload) continues the rotation. Schedules are capped at {@link #MAX_SCHEDULE}
 * slots; larger weight totals are scaled down (each weight at least 1), which keeps memory
 * bounded at the price of rounding very uneven weights.
 *
 * <p>Thread-safe and lock-free; picks allocate nothing.
 */
final class RoundRobinLoadBalancer extends AbstractLoadBalancer<RoundRobinLoadBalancer.Schedule> {
  /** Above this many slots per cycle the schedule is scaled down to keep memory bounded. */
  static final int MAX_SCHEDULE = 1 << 16;

  RoundRobinLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold) {
    this(hosts, state, panicThreshold, PriorityPlan.SINGLE);
  }

  RoundRobinLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold,
      PriorityPlan plan) {
    this(hosts, state, panicThreshold, plan, null);
  }

  /** @param slowStart ramps new endpoints' weights ({@code warmup}), or null */
  RoundRobinLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold,
      PriorityPlan plan, @Nullable SlowStart slowStart) {
    super(hosts, state, panicThreshold, plan, slowStart);
    start();
  }

  @Override
  Schedule build(UpstreamHost[] usable, boolean panic, long version) {
    return new Schedule(usable, panic, version, schedule(usable));
  }

  @Override
  UpstreamHost choose(Schedule t, PickContext context, long seed, int attempt) {
    UpstreamHost[] s = t.slots;
    long position = state.roundRobin().getAndIncrement() & Long.MAX_VALUE;
    return walkOn(t, s, (int) (position % s.length));
  }

  @Override
  public String name() {
    return "ROUND_ROBIN";
  }

  /** The hosts in round-robin order for one cycle. */
  static UpstreamHost[] schedule(UpstreamHost[] hosts) {
    if (Weights.allEqual(hosts)) {
      return hosts;
    }
    long total = 0;
    for (UpstreamHost h : hosts) {
      total += h.weight();
    }
    long divisor = total > MAX_SCHEDULE ? (total + MAX_SCHEDULE - 1) / MAX_SCHEDULE : 1;
    long[] weights = new long[hosts.length];
    total = 0;
    for (int i = 0; i < weights.length; i++) {
      weights[i] = Math.max(1, hosts[i].weight() / divisor);
      total += weights[i];
    }
    long[] credit = new long[weights.length];
    UpstreamHost[] out = new UpstreamHost[(int) total];
    for (int step = 0; step < out.length; step++) {
      int best = 0;
      for (int i = 0; i < weights.length; i++) {
        credit[i] += weights[i];
        if (credit[i] > credit[best]) {
          best = i;
        }
      }
      credit[best] -= total;
      out[step] = hosts[best];
    }
    return out;
  }

  /** The usable hosts and their round-robin cycle. */
  static final class Schedule extends Table {
    final UpstreamHost[] slots;

    Schedule(UpstreamHost[] hosts, boolean panic, long version, UpstreamHost[] slots) {
      super(hosts, panic, version);
      this.slots = slots;
    }
  }
}
