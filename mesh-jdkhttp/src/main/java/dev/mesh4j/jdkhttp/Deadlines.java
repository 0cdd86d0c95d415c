package dev.mesh4j.jdkhttp;

import java.net.http.HttpTimeoutException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The wall-clock deadlines the JDK client does not enforce itself: the route deadline over a
 * response body (the JDK's request timeout ends with the response headers). One daemon thread for
 * the process, as OkHttp's watchdog; a deadline met before it fires is cancelled and removed at
 * once, so pending deadlines hold nothing of finished requests. Thread-safe.
 */
final class Deadlines {
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private Deadlines() {}

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread thread = new Thread(r, "mesh4j-jdkhttp-deadlines");
      thread.setDaemon(true);
      return thread;
    });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  /** Runs {@code task} at {@code deadlineNanos} ({@link System#nanoTime()}), at once when it has passed. */
  static ScheduledFuture<?> at(long deadlineNanos, Runnable task) {
    return TIMER.schedule(task, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /**
   * An attempt cut at its deadline (the route or per-try timeout, or the application's own
   * timeout), where the JDK's own timer did not answer first.
   */
  static final class AttemptTimeoutException extends HttpTimeoutException {
    private static final long serialVersionUID = 1L;

    AttemptTimeoutException(String message) {
      super(message);
    }
  }
}
