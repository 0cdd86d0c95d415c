package dev.mesh4j.jdkhttp;

import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The application's body subscriber, watched: it counts the body bytes, tells the engine once
 * when the application is done with the body (read to the end, failed, or cancelled — the moment
 * the request stops being in flight and its telemetry ends), and fails the body at the route
 * deadline, counted from the start of the attempt that returned it, as Envoy resets a stream
 * past its route timeout.
 *
 * <p>Signals to the application's subscriber are serial: items are passed on under a lock, and
 * the one terminal signal (the JDK's, or the deadline's) is decided under it and passed on after
 * it, when no item can follow (the lock is uncontended unless the deadline fires). Thread-safe.
 */
final class TrackedSubscriber<T> implements BodySubscriber<T> {
  private final BodySubscriber<T> delegate;
  private final LongConsumer done;
  private final long deadlineNanos;
  private final boolean hasDeadline;
  private final AtomicBoolean finished = new AtomicBoolean();
  private final ReentrantLock lock = new ReentrantLock();
  private volatile long read;
  // Guarded by lock.
  private boolean terminated;
  private Flow.@Nullable Subscription upstream;
  private @Nullable ScheduledFuture<?> timer;

  /**
   * @param done told the bytes read, once
   * @param deadlineNanos the route deadline over the body ({@link System#nanoTime()}), if {@code hasDeadline}
   */
  TrackedSubscriber(BodySubscriber<T> delegate, LongConsumer done, boolean hasDeadline, long deadlineNanos) {
    this.delegate = delegate;
    this.done = done;
    this.hasDeadline = hasDeadline;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    Flow.Subscription watched = new Flow.Subscription() {
      @Override
      public void request(long n) {
        subscription.request(n);
      }

      @Override
      public void cancel() {
        terminate();
        subscription.cancel();
        finish();
      }
    };
    lock.lock();
    try {
      upstream = subscription;
      delegate.onSubscribe(watched);
      if (hasDeadline && !terminated) {
        timer = Deadlines.at(deadlineNanos, this::expire);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    long n = 0;
    for (ByteBuffer b : items) {
      n += b.remaining();
    }
    lock.lock();
    try {
      if (terminated) {
        return;
      }
      read += n;
      delegate.onNext(items);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onError(Throwable e) {
    if (terminate()) {
      delegate.onError(e);
      finish();
    }
  }

  @Override
  public void onComplete() {
    if (terminate()) {
      delegate.onComplete();
      finish();
    }
  }

  /** Whether this call ends the body (no item is passed on after it returns true). */
  private boolean terminate() {
    lock.lock();
    try {
      if (terminated) {
        return false;
      }
      terminated = true;
      cancelTimer();
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CompletionStage<T> getBody() {
    return delegate.getBody();
  }

  /** The route deadline passed with the body unfinished: the stream is reset, the application told. */
  private void expire() {
    Flow.Subscription s;
    lock.lock();
    try {
      if (terminated) {
        return;
      }
      terminated = true;
      s = upstream;
    } finally {
      lock.unlock();
    }
    if (s != null) {
      s.cancel();
    }
    delegate.onError(new HttpTimeoutException("mesh4j: the route timeout passed while the response body was read"));
    finish();
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
      timer = null;
    }
  }

  private void finish() {
    if (finished.compareAndSet(false, true)) {
      done.accept(read);
    }
  }
}
