package dev.mesh4j.core.internal.lb;

import dev.mesh4j.api.runtime.RandomSource;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code LEAST_REQUEST} (also {@code LEAST_CONN}, and Istio's default): prefer hosts with
 * fewer requests in flight ({@link EndpointState#activeRequests()}).
 *
 * <p><b>Equal weights</b> (the usual case) follow Envoy exactly
 * ({@code least_request_lb.cc} {@code LeastRequestLoadBalancer::unweightedHostPickNChoices},
 * {@code choice_count} 2, which Istio does not change): draw a host uniformly, draw a second
 * one (with replacement), keep the second only if it has strictly fewer active requests.
 *
 * <p><b>Unequal weights</b>: Envoy does not use two choices there. It runs an EDF scheduler in
 * which a host's weight is re-evaluated, each time the host is picked, as
 * {@code weight / (active + 1)^bias} with {@code active_request_bias} 1.0
 * ({@code LeastRequestLoadBalancer::hostWeight}, {@code EdfLoadBalancerBase::chooseHostOnce}),
 * so each host's share of picks follows {@code weight / (active + 1)}. An EDF scheduler is a
 * mutable priority queue and would need a lock; this balancer draws from the same distribution
 * lock-free instead: draw a host with probability proportional to its weight and accept it
 * with probability {@code 1 / (active + 1)}, which makes the accepted host's probability
 * exactly proportional to {@code weight / (active + 1)} at the moment of the pick. After
 * {@link #MAX_DRAWS} rejections (every host busy) it takes the drawn host with the best
 * {@code weight / (active + 1)}, bounding the cost. Idle hosts get exactly their weight share,
 * as with EDF; what differs from Envoy is only the order (random rather than EDF's fixed
 * interleaving).
 *
 * <p>Thread-safe and lock-free; picks allocate nothing.
 */
final class LeastRequestLoadBalancer
    extends AbstractLoadBalancer<LeastRequestLoadBalancer.Candidates> {
  /** Draws before a weighted pick settles for the best drawn host. */
  static final int MAX_DRAWS = 16;

  LeastRequestLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold) {
    this(hosts, state, panicThreshold, PriorityPlan.SINGLE);
  }

  LeastRequestLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold,
      PriorityPlan plan) {
    this(hosts, state, panicThreshold, plan, null);
  }

  /** @param slowStart ramps new endpoints' weights ({@code warmup}), or null */
  LeastRequestLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold,
      PriorityPlan plan, @Nullable SlowStart slowStart) {
    super(hosts, state, panicThreshold, plan, slowStart);
    start();
  }

  @Override
  Candidates build(UpstreamHost[] usable, boolean panic, long version) {
    return new Candidates(usable, panic, version,
        Weights.allEqual(usable) ? null : new Weights(usable));
  }

  @Override
  UpstreamHost choose(Candidates t, PickContext context, long seed, int attempt) {
    RandomSource random = context.random();
    UpstreamHost[] hosts = t.hosts;
    Weights weights = t.weights;
    if (weights == null) {
      int first = random.nextInt(hosts.length);
      int second = random.nextInt(hosts.length);
      int pick = hosts[second].activeRequests() < hosts[first].activeRequests() ? second : first;
      return walkOn(t, hosts, pick);
    }
    int best = -1;
    int bestActive = 0;
    for (int draw = 0; draw < MAX_DRAWS; draw++) {
      int i = weights.sample(random);
      int active = hosts[i].activeRequests();
      if (active <= 0 || random.nextLong(active + 1L) == 0) {
        return walkOn(t, hosts, i);
      }
      // Keep the draw with the largest weight / (active + 1), compared without division.
      if (best < 0
          || (long) hosts[i].weight() * (bestActive + 1) > (long) hosts[best].weight() * (active + 1)) {
        best = i;
        bestActive = active;
      }
    }
    return walkOn(t, hosts, best);
  }

  @Override
  public String name() {
    return "LEAST_REQUEST";
  }

  /** The usable hosts, and their weights when they are not all equal. */
  static final class Candidates extends Table {
    final @Nullable Weights weights;

    Candidates(UpstreamHost[] hosts, boolean panic, long version, @Nullable Weights weights) {
      super(hosts, panic, version);
      this.weights = weights;
    }
  }
}
