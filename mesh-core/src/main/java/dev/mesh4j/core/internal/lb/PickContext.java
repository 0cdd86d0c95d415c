package dev.mesh4j.core.internal.lb;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.internal.lb.hash.RequestHash;

/**
 * What a load balancer may know about the request it picks for. The engine implements it once
 * per request (a mutable object reused across attempts keeps picks allocation-free).
 */
public interface PickContext {
  /**
   * Istio's {@code host_selection_retry_max_attempts} with the {@code previous_hosts} retry
   * predicate: how many more picks a balancer makes when a picked host is to be avoided.
   */
  int DEFAULT_HOST_SELECTION_RETRIES = 5;

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
   * Envoy's {@code previous_hosts} retry predicate). When it returns true the balancer picks
   * again, up to {@link #hostSelectionRetries()} times, and returns its last pick if every pick
   * is to be avoided ({@code ZoneAwareLoadBalancerBase::chooseHost}). Consistent-hash balancers
   * walk the ring or table on ({@code chooseHost(hash, attempt)}).
   *
   * <p>Under a single-destination route whose cluster hashes, Istio configures no such
   * predicate, so a retry goes to the hashed endpoint again (SPEC §6): the engine then returns
   * false here.
   */
  default boolean shouldAvoid(UpstreamHost host) {
    return false;
  }

  /** How many times to pick again when {@link #shouldAvoid} rejects a pick. */
  default int hostSelectionRetries() {
    return DEFAULT_HOST_SELECTION_RETRIES;
  }

  /** A context with only a random source. */
  static PickContext of(RandomSource random) {
    requireNonNull(random, "random");
    return () -> random;
  }

  /** A context with a random source and the request's hash (absent for {@link RequestHash#NONE}). */
  static PickContext of(RandomSource random, RequestHash hash) {
    requireNonNull(random, "random");
    requireNonNull(hash, "hash");
    return new PickContext() {
      @Override
      public RandomSource random() {
        return random;
      }

      @Override
      public boolean hasHash() {
        return hash.present();
      }

      @Override
      public long hash() {
        return hash.value();
      }
    };
  }
}
