package dev.mesh4j.jdkhttp;

import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The body handler of one attempt, between the JDK client and the application's body handler:
 * it hands the engine the response's status and headers as soon as they arrive, and holds the
 * body — reading nothing — until the engine decides. Then the body goes to the application's
 * subscriber ({@link #deliver}), or is dropped ({@link #discard}: the subscription is cancelled,
 * which ends an HTTP/1.1 connection, as Envoy resets a stream it retries).
 *
 * <p>One gate per attempt. The JDK signals on its threads, the engine decides on the request's;
 * signals that arrive before the decision (a body that ends at once, an error) wait here and are
 * passed on in order after it. Thread-safe.
 */
final class BodyGate implements BodyHandler<Object>, BodySubscriber<Object> {
  /** Completed with the response's status and headers, or exceptionally when the attempt fails before them. */
  final CompletableFuture<ResponseInfo> headers = new CompletableFuture<>();
  /** What the JDK waits for before it completes the response: the application's body, or null when dropped. */
  private final CompletableFuture<Object> body = new CompletableFuture<>();
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private Flow.@Nullable Subscription subscription;
  private boolean upstreamComplete;
  private @Nullable Throwable upstreamError;
  private volatile Flow.@Nullable Subscriber<List<ByteBuffer>> target;
  private boolean discarded;

  /** Called by the JDK when the response headers arrived. */
  @Override
  public BodySubscriber<Object> apply(ResponseInfo info) {
    headers.complete(info);
    return this;
  }

  /** Fails the wait for headers (the attempt failed before them). */
  void failed(Throwable t) {
    headers.completeExceptionally(t);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    boolean cancel;
    lock.lock();
    try {
      subscription = s;
      cancel = discarded;
      if (!cancel && target != null) {
        target.onSubscribe(s);
      }
    } finally {
      lock.unlock();
    }
    if (cancel) {
      s.cancel();
      body.complete(null);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    // Demand comes only from the target, so a target is there.
    Flow.Subscriber<List<ByteBuffer>> t = target;
    if (t != null) {
      t.onNext(items);
    }
  }

  @Override
  public void onError(Throwable e) {
    Flow.Subscriber<List<ByteBuffer>> t;
    lock.lock();
    try {
      t = target;
      if (t == null) {
        upstreamError = e;
        if (discarded) {
          body.complete(null);
        }
        return;
      }
    } finally {
      lock.unlock();
    }
    t.onError(e);
  }

  @Override
  public void onComplete() {
    Flow.Subscriber<List<ByteBuffer>> t;
    lock.lock();
    try {
      t = target;
      if (t == null) {
        upstreamComplete = true;
        if (discarded) {
          body.complete(null);
        }
        return;
      }
    } finally {
      lock.unlock();
    }
    t.onComplete();
  }

  @Override
  public CompletionStage<Object> getBody() {
    return body;
  }

  /**
   * Passes the body on to {@code subscriber}, whose {@code getBody} becomes the response's body.
   * Signals that arrived before go to it first, in order.
   */
  @SuppressWarnings("unchecked")
  void deliver(BodySubscriber<?> subscriber) {
    Flow.Subscriber<List<ByteBuffer>> t = (Flow.Subscriber<List<ByteBuffer>>) subscriber;
    ((CompletionStage<Object>) subscriber.getBody()).whenComplete((v, e) -> {
      if (e != null) {
        body.completeExceptionally(e);
      } else {
        body.complete(v);
      }
    });
    lock.lock();
    try {
      target = t;
      if (subscription != null) {
        // Under the lock: a completion arriving meanwhile waits until the target has its subscription.
        t.onSubscribe(subscription);
        if (upstreamError != null) {
          t.onError(upstreamError);
        } else if (upstreamComplete) {
          t.onComplete();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Drops the body: nothing of it is read, and the JDK completes the response with a null body. */
  void discard() {
    Flow.Subscription s;
    boolean ended;
    lock.lock();
    try {
      if (discarded || target != null) {
        return;
      }
      discarded = true;
      s = subscription;
      ended = upstreamComplete || upstreamError != null;
    } finally {
      lock.unlock();
    }
    if (s != null && !ended) {
      s.cancel();
    }
    if (s != null || ended) {
      body.complete(null);
    }
  }

  /** The handler the JDK sees; the type of the body the JDK completes with is the application's. */
  @SuppressWarnings("unchecked")
  static <T> HttpResponse<T> cast(HttpResponse<Object> response) {
    return (HttpResponse<T>) (HttpResponse<?>) response;
  }
}
