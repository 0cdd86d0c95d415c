package dev.mesh4j.kubernetes;

import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Ticker;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Coalesces bursts of changes into few updates, as istiod debounces pushes: an update goes out
 * once changes have been quiet for {@code quiet} (100 ms by default), or {@code max} (10 s) after
 * the first change it holds, whichever comes first — so a steady stream of endpoint changes still
 * updates at least every {@code max}.
 *
 * <p>Timing runs on the mesh's scheduler and ticker; the flush itself runs on {@code executor},
 * one at a time and never concurrently with itself, so updates reach the mesh in the order their
 * changes were drained. Changes that arrive during a flush go into the next one.
 *
 * <p>Thread-safe.
 */
final class Debouncer {
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final Executor executor;
  private final long quietNanos;
  private final long maxNanos;
  private final Runnable flush;

  private final Object lock = new Object();
  private boolean pending;
  private long firstNanos;
  private long lastNanos;
  /** A timer is scheduled or a flush is running: either will look at {@link #pending} again. */
  private boolean busy;
  private boolean closed;
  private Scheduler.@Nullable Cancellable timer;

  Debouncer(Scheduler scheduler, Ticker ticker, Executor executor, Duration quiet, Duration max, Runnable flush) {
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.executor = executor;
    this.quietNanos = quiet.toNanos();
    this.maxNanos = max.toNanos();
    this.flush = flush;
  }

  /** Records that something changed: a flush follows within the debounce bounds. */
  void changed() {
    synchronized (lock) {
      long now = ticker.nanos();
      lastNanos = now;
      if (!pending) {
        pending = true;
        firstNanos = now;
      }
      if (!busy && !closed) {
        busy = true;
        timer = scheduler.schedule(Duration.ofNanos(quietNanos), this::onTimer);
      }
    }
  }

  private void onTimer() {
    synchronized (lock) {
      timer = null;
      if (closed) {
        busy = false;
        return;
      }
      long now = ticker.nanos();
      long due = Math.min(lastNanos + quietNanos, firstNanos + maxNanos);
      if (now < due) {
        timer = scheduler.schedule(Duration.ofNanos(due - now), this::onTimer);
        return;
      }
      pending = false;
    }
    try {
      executor.execute(this::runFlush);
    } catch (RejectedExecutionException e) {
      synchronized (lock) {
        busy = false; // closed underneath us
      }
    }
  }

  private void runFlush() {
    try {
      flush.run();
    } finally {
      synchronized (lock) {
        busy = false;
        if (pending && !closed) {
          busy = true;
          long now = ticker.nanos();
          long due = Math.min(lastNanos + quietNanos, firstNanos + maxNanos);
          timer = scheduler.schedule(Duration.ofNanos(Math.max(0, due - now)), this::onTimer);
        }
      }
    }
  }

  /** Stops scheduling; a flush already running finishes. */
  void close() {
    synchronized (lock) {
      closed = true;
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }
  }
}
