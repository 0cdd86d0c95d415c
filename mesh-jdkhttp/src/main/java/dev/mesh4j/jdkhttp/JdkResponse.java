package dev.mesh4j.jdkhttp;

import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A response as the engine handles it (the transport's response type): status and headers read,
 * the body not yet. Either an upstream's — its body held by the attempt's {@link BodyGate} — or
 * one mesh4j makes itself. The engine reads it, drops it (before a retry) or completes it with
 * the route's header changes and the callback for when the body is done; the transport then
 * delivers it to the application's body handler, or drops it to follow a redirect.
 *
 * <p>Used by the request's thread; the done callback runs once, on whichever thread ends the body.
 */
abstract sealed class JdkResponse {
  final int status;
  final HttpClient.Version version;
  private HttpHeaders headers;
  private @Nullable LongConsumer done;
  private final AtomicBoolean finished = new AtomicBoolean();

  JdkResponse(int status, HttpHeaders headers, HttpClient.Version version) {
    this.status = status;
    this.headers = headers;
    this.version = version;
  }

  /** The headers the application sees (after {@link #complete}: with the route's changes). */
  HttpHeaders headers() {
    return headers;
  }

  /** Applies the route's response-header changes; {@code done} is told when the body is done. */
  void complete(HeaderMutation mutation, LongConsumer done) {
    if (!mutation.isEmpty()) {
      headers = mutate(headers, mutation);
    }
    this.done = done;
  }

  /** Tells the engine the body is done, once. */
  final void finish(long bytes) {
    LongConsumer d = done;
    if (d != null && finished.compareAndSet(false, true)) {
      d.accept(bytes);
    }
  }

  /** The done callback for the application's subscriber. */
  final LongConsumer finisher() {
    return this::finish;
  }

  /** Drops the response and its body (a retry, a followed redirect). */
  abstract void discard();

  /**
   * Hands the response to the application's body handler.
   *
   * @param request the request the application sees this response for (its own, or the redirect it led to)
   * @param previous the response that led to {@code request}, or null
   * @return the response, once the handler's body is ready
   */
  abstract <T> CompletableFuture<HttpResponse<T>> deliver(BodyHandler<T> handler, HttpRequest request,
      @Nullable HttpResponse<T> previous);

  /** This response without a body, as the previous response of the next hop. */
  final <T> HttpResponse<T> withoutBody(HttpRequest request, @Nullable HttpResponse<T> previous) {
    return new MeshedResponse<>(status, request, previous, headers, null, null, version);
  }

  private static HttpHeaders mutate(HttpHeaders headers, HeaderMutation mutation) {
    TreeMap<String, List<String>> map = copy(headers);
    mutation.applyTo(Headers.target(map));
    return HttpHeaders.of(map, (n, v) -> true);
  }

  static TreeMap<String, List<String>> copy(HttpHeaders headers) {
    TreeMap<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, List<String>> e : headers.map().entrySet()) {
      map.put(e.getKey(), new ArrayList<>(e.getValue()));
    }
    return map;
  }

  /** A response from an upstream: its body waits in the attempt's gate. */
  static final class Upstream extends JdkResponse {
    private final BodyGate gate;
    private final CompletableFuture<HttpResponse<Object>> response;
    private final long start;
    private final @Nullable Duration responseTimeout;
    private final boolean secure;

    /**
     * @param response the JDK's response, completed once the body handler's body is
     * @param start when the attempt started ({@link System#nanoTime()})
     * @param responseTimeout how long from {@code start} the whole response may take, or null
     * @param secure whether the response came over TLS (the JDK's response then carries its session)
     */
    Upstream(ResponseInfo info, BodyGate gate, CompletableFuture<HttpResponse<Object>> response, long start,
        @Nullable Duration responseTimeout, boolean secure) {
      super(info.statusCode(), info.headers(), info.version());
      this.gate = gate;
      this.response = response;
      this.start = start;
      this.responseTimeout = responseTimeout;
      this.secure = secure;
    }

    @Override
    void discard() {
      gate.discard();
      finish(0);
    }

    @Override
    <T> CompletableFuture<HttpResponse<T>> deliver(BodyHandler<T> handler, HttpRequest request,
        @Nullable HttpResponse<T> previous) {
      HttpHeaders h = headers();
      BodySubscriber<T> own;
      try {
        own = handler.apply(new Info(status, h, version));
      } catch (RuntimeException e) {
        discard();
        return CompletableFuture.failedFuture(e);
      }
      long deadline = responseTimeout == null ? 0 : start + Math.max(1, responseTimeout.toNanos());
      gate.deliver(new TrackedSubscriber<>(own, finisher(), responseTimeout != null, deadline));
      if (!secure) {
        // Without TLS the JDK's response adds nothing to the body: complete with the body itself,
        // on the thread that ends it (for a body that already arrived, this one), rather than
        // once more on a thread of the JDK's.
        return own.getBody().toCompletableFuture()
            .thenApply(b -> new MeshedResponse<>(status, request, previous, h, b, null, version));
      }
      return response.thenApply(r -> new MeshedResponse<>(status, request, previous, h,
          BodyGate.<T>cast(r).body(), r.sslSession().orElse(null), version));
    }
  }

  /** A response mesh4j makes itself: its body is in memory. */
  static final class Local extends JdkResponse {
    private final byte[] body;

    Local(LocalReply reply) {
      super(reply.status(), headers(reply), HttpClient.Version.HTTP_1_1);
      this.body = reply.body().getBytes(StandardCharsets.UTF_8);
    }

    private static HttpHeaders headers(LocalReply reply) {
      TreeMap<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      if (!reply.flags().isEmpty()) {
        map.put(LocalReply.FLAGS_HEADER, List.of(reply.flags()));
      }
      reply.headers().forEach((n, v) -> map.put(n, List.of(v)));
      if (!reply.body().isEmpty()) {
        map.put("content-type", List.of("text/plain"));
      }
      map.put("content-length", List.of(Integer.toString(reply.body().getBytes(StandardCharsets.UTF_8).length)));
      return HttpHeaders.of(map, (n, v) -> true);
    }

    @Override
    void discard() {
      finish(0);
    }

    @Override
    <T> CompletableFuture<HttpResponse<T>> deliver(BodyHandler<T> handler, HttpRequest request,
        @Nullable HttpResponse<T> previous) {
      HttpHeaders h = headers();
      BodySubscriber<T> own;
      try {
        own = handler.apply(new Info(status, h, version));
      } catch (RuntimeException e) {
        discard();
        return CompletableFuture.failedFuture(e);
      }
      TrackedSubscriber<T> tracked = new TrackedSubscriber<>(own, finisher(), false, 0);
      tracked.onSubscribe(new InMemory(tracked, body));
      return own.getBody().toCompletableFuture()
          .thenApply(b -> new MeshedResponse<>(status, request, previous, h, b, null, version));
    }
  }

  /** Publishes a body held in memory, once, on the thread that asks for it. */
  private static final class InMemory implements Flow.Subscription {
    private final Flow.Subscriber<List<ByteBuffer>> subscriber;
    private final byte[] body;
    private final AtomicBoolean done = new AtomicBoolean();

    InMemory(Flow.Subscriber<List<ByteBuffer>> subscriber, byte[] body) {
      this.subscriber = subscriber;
      this.body = body;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        if (done.compareAndSet(false, true)) {
          subscriber.onError(new IllegalArgumentException("non-positive request: " + n));
        }
        return;
      }
      if (done.compareAndSet(false, true)) {
        if (body.length > 0) {
          subscriber.onNext(List.of(ByteBuffer.wrap(body).asReadOnlyBuffer()));
        }
        subscriber.onComplete();
      }
    }

    @Override
    public void cancel() {
      done.set(true);
    }
  }

  /** The status and headers the application's body handler is given. */
  record Info(int statusCode, HttpHeaders headers, HttpClient.Version version) implements ResponseInfo {}
}
