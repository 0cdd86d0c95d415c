package dev.mesh4j.api.runtime;

import java.time.Duration;

/**
 * Waits, for injected delays and back-offs that block the calling thread. Tests replace it with
 * one that advances a fake ticker instead of sleeping. Must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Blocks for the given duration.
   *
   * @throws InterruptedException when the thread is interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedException;

  /** Sleeps with {@link Thread#sleep(long, int)}. */
  static Sleeper system() {
    return d -> {
      long nanos = d.toNanos();
      if (nanos > 0) {
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
      }
    };
  }
}
