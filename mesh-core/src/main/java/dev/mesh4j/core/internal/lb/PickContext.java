package dev.mesh4j.core.internal.lb;

import dev.mesh4j.api.runtime.RandomSource;

/** What a load balancer may know about the request it picks for. */
public interface PickContext {

  /** The random source of the mesh (for random picks and tie-breaks). */
  RandomSource random();

  /** Whether the request has a consistent-hash key. */
  default boolean hasHash() {
    return false;
  }

  /** The request's hash; meaningful only when {@link #hasHash()}. */
  default long hash() {
    return 0;
  }

  /**
   * Whether to avoid this host if another is available (hosts tried by earlier attempts, for
   * Envoy's {@code previous_hosts} retry predicate).
   */
  default boolean shouldAvoid(UpstreamHost host) {
    return false;
  }

  /** A context with only a random source. */
  static PickContext of(RandomSource random) {
    return () -> random;
  }
}
