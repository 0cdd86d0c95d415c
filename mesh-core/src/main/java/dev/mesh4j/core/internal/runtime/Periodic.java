package dev.mesh4j.core.internal.runtime;

import dev.mesh4j.api.runtime.Scheduler;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task run every interval on a {@link Scheduler}, rescheduling itself after each run (so a
 * slow run delays the next one instead of piling up). The interval is read before each
 * scheduling, so a reload can change it. Thread-safe.
 */
public final class Periodic implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Periodic.class);

  private final Scheduler scheduler;
  private final Supplier<Duration> interval;
  private final Runnable task;
  private final String name;
  private Scheduler.Cancellable next = () -> { };
  private boolean stopped;

  private Periodic(Scheduler scheduler, Supplier<Duration> interval, Runnable task, String name) {
    this.scheduler = scheduler;
    this.interval = interval;
    this.task = task;
    this.name = name;
  }

  /** Starts running {@code task} every {@code interval} (first run after one interval). */
  public static Periodic start(Scheduler scheduler, Supplier<Duration> interval, Runnable task, String name) {
    Periodic p = new Periodic(scheduler, interval, task, name);
    p.scheduleNext();
    return p;
  }

  private synchronized void scheduleNext() {
    if (!stopped) {
      next = scheduler.schedule(interval.get(), this::run);
    }
  }

  private void run() {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("mesh4j: periodic task {} failed", name, e);
    } finally {
      scheduleNext();
    }
  }

  @Override
  public synchronized void close() {
    stopped = true;
    next.cancel();
  }
}
