package dev.mesh4j.jdkhttp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * One application request ({@code send} or {@code sendAsync}), hop by hop through the mesh:
 * each hop is routed, retried and answered by the engine ({@link JdkExchange}); redirects and
 * authentication challenges are followed as the client's settings say ({@link FollowUps}), each
 * hop through the mesh again; the last response goes to the application's body handler.
 *
 * <p>The application's {@code HttpRequest.timeout} is a wall-clock deadline until the final
 * response's headers, over every hop, fault delay, attempt and back-off, as the JDK's own is over
 * its exchange. When it passes, the request fails with an {@link HttpTimeoutException}.
 *
 * <p>Runs on one thread; {@link #cancel} may come from any.
 */
final class Call<T> {
  private final MeshedHttpClient client;
  private final HttpRequest request;
  private final BodyHandler<T> handler;
  private final long deadline;
  private final boolean hasDeadline;
  private volatile boolean cancelled;
  private volatile @Nullable CompletableFuture<?> attempt;

  Call(MeshedHttpClient client, HttpRequest request, BodyHandler<T> handler) {
    this.client = client;
    this.request = request;
    this.handler = handler;
    this.hasDeadline = request.timeout().isPresent();
    this.deadline = hasDeadline ? System.nanoTime() + Math.max(1, request.timeout().get().toNanos()) : 0;
  }

  MeshedHttpClient client() {
    return client;
  }

  /**
   * Runs the hops on this thread and hands the last response to the application's body handler.
   *
   * @return the response, complete once the handler's body is
   */
  CompletableFuture<HttpResponse<T>> execute() throws IOException {
    HttpRequest hop = request;
    HttpResponse<T> previous = null;
    FollowUps followUps = new FollowUps(client.settings(), request);
    while (true) {
      JdkRequestView view = new JdkRequestView(hop);
      JdkResponse response;
      try {
        response = client.mesh().execute(view, new JdkExchange(this, view));
      } catch (IOException e) {
        throw translate(e);
      }
      HttpRequest next;
      try {
        next = followUps.next(response, hop);
      } catch (IOException | RuntimeException e) {
        response.discard();
        throw e;
      }
      if (next == null) {
        return response.deliver(handler, hop, previous);
      }
      response.discard();
      previous = response.withoutBody(hop, previous);
      hop = next;
    }
  }

  /** {@code send}: the hops and the body, on the calling thread. */
  HttpResponse<T> send() throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<T>> response;
    try {
      response = execute();
    } catch (InterruptedIOException e) {
      if (Thread.interrupted()) {
        InterruptedException interrupted = new InterruptedException(e.getMessage());
        interrupted.initCause(e);
        throw interrupted;
      }
      throw e;
    }
    try {
      return response.get();
    } catch (InterruptedException e) {
      cancel();
      response.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }

  /** What the application sees of a failure the engine passed on. */
  private IOException translate(IOException e) {
    if (!cancelled && hasDeadline && System.nanoTime() - deadline >= 0 && !(e instanceof HttpTimeoutException)) {
      // The engine stopped waiting (a fault delay, a back-off) because the application's deadline passed.
      HttpTimeoutException timeout = new HttpTimeoutException("request timed out");
      timeout.initCause(e);
      return timeout;
    }
    return e;
  }

  /** Nanoseconds left of the application's own timeout at {@code now}, or {@link Long#MAX_VALUE}. */
  long remainingNanos(long now) {
    return hasDeadline ? deadline - now : Long.MAX_VALUE;
  }

  /** Whether the engine should stop: the application cancelled the request, or its timeout passed. */
  boolean isCancelled() {
    return cancelled || (hasDeadline && System.nanoTime() - deadline >= 0);
  }

  /** Whether the application itself cancelled the request (not its timeout). */
  boolean isCancelledByApplication() {
    return cancelled;
  }

  /** The failure for an attempt not started because the request was cancelled or timed out. */
  IOException cancellation() {
    return cancelled ? new InterruptedIOException("the request was cancelled")
        : new HttpTimeoutException("request timed out");
  }

  /** The attempt in flight, to cancel with the request; null between attempts. */
  void attempting(@Nullable CompletableFuture<?> inFlight) {
    attempt = inFlight;
    if (inFlight != null && cancelled) {
      inFlight.cancel(true);
    }
  }

  /** Cancels the request: the attempt in flight is cancelled, and the engine stops at its next wait. */
  void cancel() {
    cancelled = true;
    CompletableFuture<?> a = attempt;
    if (a != null) {
      a.cancel(true);
    }
  }

  /** The exception a cancelled {@code sendAsync} completes with. */
  static CancellationException cancelled() {
    return new CancellationException("the request was cancelled");
  }
}
