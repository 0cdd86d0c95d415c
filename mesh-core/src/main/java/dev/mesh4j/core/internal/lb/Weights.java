package dev.mesh4j.core.internal.lb;

import dev.mesh4j.api.runtime.RandomSource;

/**
 * Endpoint-weight helpers shared by the algorithms: Envoy's equal-weights test
 * ({@code load_balancer_impl.cc} {@code hostWeightsAreEqual}) and a sampler that draws a host
 * with probability proportional to its weight. Immutable and thread-safe.
 */
final class Weights {
  private final UpstreamHost[] hosts;
  /** {@code cumulative[i]} = weights of hosts 0..i; strictly increasing (weights are >= 1). */
  private final long[] cumulative;

  Weights(UpstreamHost[] hosts) {
    this.hosts = hosts;
    this.cumulative = new long[hosts.length];
    long sum = 0;
    for (int i = 0; i < hosts.length; i++) {
      sum += hosts[i].weight();
      cumulative[i] = sum;
    }
  }

  /** Whether every host has the same weight (true for none or one). */
  static boolean allEqual(UpstreamHost[] hosts) {
    for (int i = 1; i < hosts.length; i++) {
      if (hosts[i].weight() != hosts[0].weight()) {
        return false;
      }
    }
    return true;
  }

  /** The index of a host drawn with probability {@code weight / total}; hosts non-empty. */
  int sample(RandomSource random) {
    long r = random.nextLong(cumulative[cumulative.length - 1]);
    // First index whose cumulative weight exceeds r.
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > r) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  UpstreamHost host(int index) {
    return hosts[index];
  }
}
