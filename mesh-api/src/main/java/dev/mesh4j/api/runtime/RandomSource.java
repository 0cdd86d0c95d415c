package dev.mesh4j.api.runtime;

import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one source of randomness of the engine: weighted routing, random load balancing,
 * back-off jitter and fault sampling all draw from it, so that tests can make them
 * deterministic. Implementations must be thread-safe.
 */
public interface RandomSource {

  /** A uniformly distributed int in {@code [0, bound)}; {@code bound} is positive. */
  int nextInt(int bound);

  /** A uniformly distributed long in {@code [0, bound)}; {@code bound} is positive. */
  long nextLong(long bound);

  /** A uniformly distributed long over all 2^64 values. */
  long nextLong();

  /** The fast, unseeded default ({@link ThreadLocalRandom}). */
  static RandomSource threadLocal() {
    return ThreadLocalRandomSource.INSTANCE;
  }

  /**
   * A reproducible source: the same seed gives the same sequence when called in the same order.
   * Thread-safe, but only deterministic when used from one thread at a time.
   */
  static RandomSource seeded(long seed) {
    Random random = new Random(seed);
    return new RandomSource() {
      @Override
      public int nextInt(int bound) {
        return random.nextInt(bound);
      }

      @Override
      public long nextLong(long bound) {
        if (bound <= 0) {
          throw new IllegalArgumentException("bound: " + bound + " (expected: > 0)");
        }
        // Unbiased rejection sampling, as java.util.Random.nextInt does for ints.
        long bits;
        long value;
        do {
          bits = random.nextLong() >>> 1;
          value = bits % bound;
        } while (bits - value + (bound - 1) < 0);
        return value;
      }

      @Override
      public long nextLong() {
        return random.nextLong();
      }

      @Override
      public String toString() {
        return "RandomSource.seeded(" + seed + ")";
      }
    };
  }
}

enum ThreadLocalRandomSource implements RandomSource {
  INSTANCE;

  @Override
  public int nextInt(int bound) {
    return ThreadLocalRandom.current().nextInt(bound);
  }

  @Override
  public long nextLong(long bound) {
    return ThreadLocalRandom.current().nextLong(bound);
  }

  @Override
  public long nextLong() {
    return ThreadLocalRandom.current().nextLong();
  }
}
