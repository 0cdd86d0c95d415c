package dev.mesh4j.core.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.LoadBalancerSettings.SimpleLb;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shared helpers for the load-balancer tests. */
final class Fixtures {
  private Fixtures() {}

  /** A cluster state whose rebuilds run at once on the calling thread. */
  static ClusterState cluster(long seed) {
    return new ClusterState(RandomSource.seeded(seed), Runnable::run);
  }

  /** Hosts 10.0.0.1:9080 … 10.0.0.n:9080 (beyond 254, the third octet grows), weight 1. */
  static List<UpstreamHost> hosts(ClusterState state, int n) {
    int[] weights = new int[n];
    java.util.Arrays.fill(weights, 1);
    return hosts(state, weights);
  }

  /** Hosts 10.0.x.y:9080 with these weights, in order. */
  static List<UpstreamHost> hosts(ClusterState state, int... weights) {
    List<UpstreamHost> out = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      out.add(host(state, address(i), 9080, weights[i]));
    }
    return out;
  }

  static String address(int i) {
    return "10.0." + (i / 254) + "." + (i % 254 + 1);
  }

  static UpstreamHost host(ClusterState state, String address, int port, int weight) {
    Endpoint e = new Endpoint(address, port, Map.of(), weight, null);
    return UpstreamHost.of(e, state);
  }

  static LoadBalancerSettings simple(SimpleLb lb) {
    return LoadBalancerSettings.simple(lb);
  }

  static LoadBalancerSettings ringHash(long minimumRingSize) {
    return new LoadBalancerSettings(null,
        new ConsistentHashLb("x-user", null, false, null, minimumRingSize, null, false),
        null, null);
  }

  static LoadBalancerSettings maglev(long tableSize) {
    return new LoadBalancerSettings(null,
        new ConsistentHashLb("x-user", null, false, null, null, tableSize, true), null, null);
  }

  /** A context with a fixed request hash. */
  static PickContext hashed(RandomSource random, long hash) {
    return new PickContext() {
      @Override
      public RandomSource random() {
        return random;
      }

      @Override
      public boolean hasHash() {
        return true;
      }

      @Override
      public long hash() {
        return hash;
      }
    };
  }

  /**
   * Asserts that {@code count} successes out of {@code n} trials are within {@code sigmas}
   * standard deviations of a binomial(n, p): |count − np| ≤ sigmas · sqrt(n p (1 − p)).
   */
  static void assertBinomial(String what, long count, long n, double p, double sigmas) {
    double mean = n * p;
    double tolerance = sigmas * Math.sqrt(n * p * (1 - p));
    assertThat((double) count)
        .as("%s: %d of %d, expected %.1f ± %.1f (%.1f sigma)", what, count, n, mean, tolerance,
            sigmas)
        .isBetween(mean - tolerance, mean + tolerance);
  }
}
