package dev.mesh4j.api.runtime;

import java.time.Duration;

/**
 * Runs tasks later: outlier-detection sweeps, DNS refresh, config change checks. Engine code
 * never uses a static scheduler; tests pass one that runs tasks when a fake clock advances, so
 * timing behaviour is tested without sleeping. Implementations must be thread-safe, and must
 * not run a task on the thread that schedules it.
 */
@FunctionalInterface
public interface Scheduler {

  /** Runs {@code task} once after {@code delay}; the result cancels it if it has not run. */
  Cancellable schedule(Duration delay, Runnable task);

  /** A handle on a scheduled task. */
  @FunctionalInterface
  interface Cancellable {
    /** Prevents the task from running if it has not started. */
    void cancel();
  }
}
