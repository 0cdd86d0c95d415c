package dev.mesh4j.core.testing;

import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Sleeper;
import dev.mesh4j.api.runtime.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Virtual time: a ticker, a scheduler whose tasks run when time is advanced past their due
 * time, and a sleeper that advances time instead of sleeping. Lets tests of ejection times,
 * back-off and deadlines run instantly and deterministically. Test fixture; thread-safe.
 */
public final class FakeClock implements Ticker, Scheduler, Sleeper {
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long now;
  private long seq;
  private long slept;

  private static final class Task implements Comparable<Task> {
    final long due;
    final long seq;
    final Runnable runnable;
    boolean cancelled;

    Task(long due, long seq, Runnable runnable) {
      this.due = due;
      this.seq = seq;
      this.runnable = runnable;
    }

    @Override
    public int compareTo(Task o) {
      return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
    }
  }

  @Override
  public synchronized long nanos() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Task t = new Task(now + Math.max(0, delay.toNanos()), seq++, task);
    tasks.add(t);
    return () -> {
      synchronized (FakeClock.this) {
        t.cancelled = true;
      }
    };
  }

  /** Advances time by {@code d}, running every task that falls due, in due order. */
  public void advance(Duration d) {
    long target;
    synchronized (this) {
      target = now + d.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due > target) {
          now = target;
          return;
        }
        tasks.poll();
        now = Math.max(now, next.due);
        if (next.cancelled) {
          continue;
        }
      }
      next.runnable.run();
    }
  }

  /** Runs tasks due now without advancing time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  @Override
  public void sleep(Duration duration) {
    synchronized (this) {
      slept += duration.toNanos();
    }
    advance(duration);
  }

  /** Total time slept through {@link #sleep}. */
  public synchronized Duration slept() {
    return Duration.ofNanos(slept);
  }

  /** Tasks scheduled and not yet run or cancelled. */
  public synchronized int pendingTasks() {
    List<Task> live = new ArrayList<>();
    for (Task t : tasks) {
      if (!t.cancelled) {
        live.add(t);
      }
    }
    return live.size();
  }
}
