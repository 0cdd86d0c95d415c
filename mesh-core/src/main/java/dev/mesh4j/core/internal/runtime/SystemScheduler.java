package dev.mesh4j.core.internal.runtime;

import dev.mesh4j.api.runtime.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The scheduler a mesh uses unless it is given one: a single daemon thread, started on first
 * use (a mesh with nothing to schedule starts no thread), stopped by {@link #close()}.
 * Thread-safe.
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {
  private final String threadName;
  private @Nullable ScheduledExecutorService executor;
  private boolean closed;

  public SystemScheduler(String threadName) {
    this.threadName = threadName;
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    ScheduledExecutorService e = executor();
    if (e == null) {
      return () -> { };
    }
    ScheduledFuture<?> f = e.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  private synchronized @Nullable ScheduledExecutorService executor() {
    if (closed) {
      return null;
    }
    if (executor == null) {
      executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true);
        return t;
      });
    }
    return executor;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
