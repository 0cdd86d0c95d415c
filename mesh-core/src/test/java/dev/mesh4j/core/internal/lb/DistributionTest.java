package dev.mesh4j.core.internal.lb;

import static dev.mesh4j.core.internal.lb.Fixtures.assertBinomial;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.LoadBalancerSettings.SimpleLb;
import dev.mesh4j.api.runtime.RandomSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Shares of picks per algorithm, with a seeded random source. Statistical bounds are
 * binomial: a host expected with probability p in n picks must land within 4.5 sigma,
 * {@code 4.5 * sqrt(n p (1 - p))}, of {@code n p} (a false failure about once in 150,000 runs
 * per check, and the seed makes each run repeatable anyway).
 */
class DistributionTest {
  static final double SIGMAS = 4.5;

  static Map<UpstreamHost, Integer> counts(LoadBalancer lb, PickContext ctx, int picks) {
    Map<UpstreamHost, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(lb.pick(ctx), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void roundRobinCyclesThroughEqualHostsFromARandomOffset() {
    ClusterState state = Fixtures.cluster(11);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 3);
    LoadBalancer lb = LoadBalancers.create(Fixtures.simple(SimpleLb.ROUND_ROBIN), 0, hosts, state);
    PickContext ctx = PickContext.of(RandomSource.seeded(1));
    UpstreamHost first = lb.pick(ctx);
    int start = hosts.indexOf(first);
    for (int i = 1; i < 30; i++) {
      assertThat(lb.pick(ctx)).isEqualTo(hosts.get((start + i) % 3));
    }
    // Another cluster starts elsewhere in the rotation (the offset is random per cluster).
    int starts = 0;
    for (long seed = 0; seed < 20; seed++) {
      ClusterState s = Fixtures.cluster(seed);
      List<UpstreamHost> h = Fixtures.hosts(s, 3);
      starts |= 1 << h.indexOf(LoadBalancers.create(Fixtures.simple(SimpleLb.ROUND_ROBIN), 0, h, s)
          .pick(ctx));
    }
    assertThat(starts).as("start offsets seen, as a bit set").isEqualTo(0b111);
  }

  @Test
  void weightedRoundRobinGivesExactSharesEveryCycle() {
    ClusterState state = Fixtures.cluster(5);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 1, 8, 3);
    LoadBalancer lb = LoadBalancers.create(Fixtures.simple(SimpleLb.ROUND_ROBIN), 0, hosts, state);
    PickContext ctx = PickContext.of(RandomSource.seeded(1));
    for (int cycle = 0; cycle < 10; cycle++) {
      Map<UpstreamHost, Integer> c = counts(lb, ctx, 12);
      assertThat(c.get(hosts.get(0))).isEqualTo(1);
      assertThat(c.get(hosts.get(1))).isEqualTo(8);
      assertThat(c.get(hosts.get(2))).isEqualTo(3);
    }
    // Smooth: the heavy host is never picked more than twice in a row by a 1:8:3 schedule.
    UpstreamHost[] s = RoundRobinLoadBalancer.schedule(hosts.toArray(new UpstreamHost[0]));
    int run = 0;
    int longest = 0;
    for (int i = 0; i < 2 * s.length; i++) {
      run = s[i % s.length] == hosts.get(1) ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    assertThat(longest).isLessThanOrEqualTo(3);
  }

  @Test
  void randomIsUniform() {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 5);
    LoadBalancer lb = LoadBalancers.create(Fixtures.simple(SimpleLb.RANDOM), 0, hosts, state);
    int n = 100_000;
    Map<UpstreamHost, Integer> c = counts(lb, PickContext.of(RandomSource.seeded(42)), n);
    for (UpstreamHost h : hosts) {
      assertBinomial("random " + h, c.getOrDefault(h, 0), n, 1.0 / 5, SIGMAS);
    }
  }

  @Test
  void randomIgnoresEndpointWeightsAsEnvoyDoes() {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 1, 8, 3);
    LoadBalancer lb = LoadBalancers.create(Fixtures.simple(SimpleLb.RANDOM), 0, hosts, state);
    int n = 90_000;
    Map<UpstreamHost, Integer> c = counts(lb, PickContext.of(RandomSource.seeded(43)), n);
    for (UpstreamHost h : hosts) {
      assertBinomial("random " + h, c.getOrDefault(h, 0), n, 1.0 / 3, SIGMAS);
    }
  }

  @Test
  void leastRequestWithEqualWeightsIsUniformWhenIdle() {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 4);
    LoadBalancer lb = LoadBalancers.create(null, 0, hosts, state);
    int n = 80_000;
    Map<UpstreamHost, Integer> c = counts(lb, PickContext.of(RandomSource.seeded(44)), n);
    for (UpstreamHost h : hosts) {
      assertBinomial("idle " + h, c.getOrDefault(h, 0), n, 1.0 / 4, SIGMAS);
    }
  }

  @Test
  void leastRequestFavoursTheIdleHost() {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 3);
    hosts.get(0).state().requestStarted();
    hosts.get(1).state().requestStarted();
    hosts.get(1).state().requestStarted();
    LoadBalancer lb = LoadBalancers.create(Fixtures.simple(SimpleLb.LEAST_REQUEST), 0, hosts, state);
    int n = 90_000;
    Map<UpstreamHost, Integer> c = counts(lb, PickContext.of(RandomSource.seeded(45)), n);
    // Two uniform draws with replacement, keep the second only if strictly less busy: the idle
    // host loses only when neither draw is it, P = 1 - (2/3)^2 = 5/9; the busiest host (2
    // active) wins only when both draws are it, 1/9; the host with 1 active gets the rest, 3/9.
    assertBinomial("idle", c.get(hosts.get(2)), n, 5.0 / 9, SIGMAS);
    assertBinomial("one active", c.get(hosts.get(0)), n, 3.0 / 9, SIGMAS);
    assertBinomial("two active", c.get(hosts.get(1)), n, 1.0 / 9, SIGMAS);
  }

  @Test
  void weightedLeastRequestSharesFollowWeightOverActivePlusOne() {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 1, 8, 3);
    LoadBalancer lb = LoadBalancers.create(null, 0, hosts, state);
    int n = 120_000;
    Map<UpstreamHost, Integer> idle = counts(lb, PickContext.of(RandomSource.seeded(46)), n);
    assertBinomial("w1 idle", idle.get(hosts.get(0)), n, 1.0 / 12, SIGMAS);
    assertBinomial("w8 idle", idle.get(hosts.get(1)), n, 8.0 / 12, SIGMAS);
    assertBinomial("w3 idle", idle.get(hosts.get(2)), n, 3.0 / 12, SIGMAS);

    // The weight-8 host has 3 requests in flight: effective weights 1, 8/4 = 2, 3 (Envoy's
    // weight / (active + 1)^1.0), so shares 1/6, 2/6, 3/6.
    for (int i = 0; i < 3; i++) {
      hosts.get(1).state().requestStarted();
    }
    Map<UpstreamHost, Integer> busy = counts(lb, PickContext.of(RandomSource.seeded(47)), n);
    assertBinomial("w1", busy.get(hosts.get(0)), n, 1.0 / 6, SIGMAS);
    assertBinomial("w8 busy", busy.get(hosts.get(1)), n, 2.0 / 6, SIGMAS);
    assertBinomial("w3", busy.get(hosts.get(2)), n, 3.0 / 6, SIGMAS);
  }

  @Test
  void consistentHashWithoutAHashPicksAtRandomByRingShare() {
    ClusterState state = Fixtures.cluster(1);
    List<UpstreamHost> hosts = Fixtures.hosts(state, 1, 1);
    LoadBalancer lb = LoadBalancers.create(Fixtures.maglev(65537), 0, hosts, state);
    int n = 20_000;
    Map<UpstreamHost, Integer> c = counts(lb, PickContext.of(RandomSource.seeded(48)), n);
    // Two equal hosts own 32769 and 32768 of the 65537 slots.
    MaglevTable t = ((MaglevLoadBalancer) lb).table();
    int slots0 = 0;
    for (int s = 0; s < t.size(); s++) {
      slots0 += t.hostAt(s) == hosts.get(0) ? 1 : 0;
    }
    assertBinomial("random through the table", c.get(hosts.get(0)), n, slots0 / 65537.0, SIGMAS);
  }
}
