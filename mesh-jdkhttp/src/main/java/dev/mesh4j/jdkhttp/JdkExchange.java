package dev.mesh4j.jdkhttp;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.jdkhttp.FailureClassifier.Limit;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.CookieHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK side of one hop of an application request through the mesh: sends each attempt with
 * the JDK client that makes its kind of connection ({@link InnerClients}), as the engine says —
 * to the endpoint's address with the logical {@code Host}, the route's header changes, the
 * attempt's time limit — and hands the engine the response as soon as its headers arrived.
 *
 * <p>An attempt's limit until response headers is the shorter of its budget (per-try timeout,
 * what is left of the route timeout) and what is left of the application's own
 * {@code HttpRequest.timeout}; it goes to the JDK as the attempt's request timeout, a wall-clock
 * deadline from the start of the attempt that the JDK enforces by cancelling the exchange (which
 * closes an HTTP/1.1 connection), and this side stops waiting shortly after it in any case. The
 * body is bounded by the route deadline ({@link TrackedSubscriber}).
 *
 * <p>Used by the request's thread, one call at a time.
 */
final class JdkExchange implements Exchange<JdkResponse> {
  private static final Logger log = LoggerFactory.getLogger(JdkExchange.class);
  /** How long after an attempt's limit this side stops waiting if the JDK has not answered. */
  static final long BACKSTOP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final Call<?> call;
  private final JdkRequestView view;
  private final HttpRequest hop;
  // How the last attempt was limited, for classifying its failure.
  private Limit connectLimit = Limit.CLUSTER;
  private Limit requestLimit = Limit.CLUSTER;
  private boolean http2;

  JdkExchange(Call<?> call, JdkRequestView view) {
    this.call = call;
    this.view = view;
    this.hop = view.request();
  }

  @Override
  public JdkResponse send(UpstreamRequest upstream) throws IOException {
    long start = System.nanoTime();
    long appLeft = call.remainingNanos(start);
    long budget = upstream.timeout() == null ? Long.MAX_VALUE : Math.max(1, upstream.timeout().toNanos());
    requestLimit = appLeft < budget ? Limit.APPLICATION : upstream.timeout() != null ? Limit.BUDGET : Limit.CLUSTER;
    if (call.isCancelled()) {
      throw call.cancellation();
    }
    long limit = Math.min(appLeft, budget);
    InnerClients.Inner inner = call.client().inner().forAttempt(upstream);
    connectLimit = inner.connectTimeoutNanos() <= limit ? Limit.CLUSTER : requestLimit;
    HttpClient.Version version = upstream.endpoint() != null ? HttpClient.Version.HTTP_1_1
        : hop.version().orElse(inner.client().version());
    http2 = version == HttpClient.Version.HTTP_2;
    HttpRequest request = toJdk(upstream, limit, true);

    BodyGate gate = new BodyGate();
    CompletableFuture<HttpResponse<Object>> response = inner.client().sendAsync(request, gate);
    response.whenComplete((r, t) -> {
      if (t != null) {
        gate.failed(t);
      }
    });
    call.attempting(response);
    HttpResponse.ResponseInfo info;
    try {
      info = limit == Long.MAX_VALUE ? gate.headers.get()
          : gate.headers.get(Math.max(0, limit - (System.nanoTime() - start)) + BACKSTOP_NANOS, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw failure(e.getCause());
    } catch (TimeoutException e) {
      response.cancel(true);
      throw new Deadlines.AttemptTimeoutException(requestLimit == Limit.APPLICATION ? "request timed out"
          : "mesh4j: the attempt's deadline passed (route or per-try timeout)");
    } catch (InterruptedException e) {
      response.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the response");
    } finally {
      call.attempting(null);
    }
    storeCookies(info);
    return new JdkResponse.Upstream(info, gate, response, start, upstream.responseTimeout(),
        request.uri().getScheme().equalsIgnoreCase("https"));
  }

  /** The request the JDK sends for an attempt (or a mirrored copy, without the application's cookies). */
  private HttpRequest toJdk(UpstreamRequest upstream, long limitNanos, boolean withCookies) throws IOException {
    Endpoint endpoint = upstream.endpoint();
    URI uri = endpoint == null ? passthroughUri(upstream) : endpointUri(upstream, endpoint);
    HttpRequest.Builder b = HttpRequest.newBuilder(hop, (n, v) -> false).uri(uri);
    if (endpoint != null) {
      // The JDK sends HTTP/2's :authority from the URI, which names the endpoint: HTTP/1.1 carries
      // the logical host as the Host header.
      b.version(HttpClient.Version.HTTP_1_1);
    }
    if (limitNanos != Long.MAX_VALUE) {
      b.timeout(Duration.ofNanos(Math.max(1, limitNanos)));
    }
    TreeMap<String, List<String>> headers = JdkResponse.copy(hop.headers());
    upstream.headers().applyTo(Headers.target(headers));
    headers.put(UpstreamRequest.ATTEMPT_COUNT_HEADER, List.of(Integer.toString(upstream.attempt())));
    if (endpoint != null || headers.containsKey("Host") || !upstream.authority().equals(view.authority())) {
      headers.put("Host", List.of(upstream.authority()));
    }
    if (withCookies) {
      addCookies(headers);
    }
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      for (String value : e.getValue()) {
        try {
          b.header(e.getKey(), value);
        } catch (IllegalArgumentException refused) {
          // A header the JDK sends itself (connection, content-length, expect, upgrade): it keeps its own.
          log.debug("mesh4j: the JDK client does not send header {} set by the mesh: {}", e.getKey(), refused.getMessage());
        }
      }
    }
    return b.build();
  }

  private URI passthroughUri(UpstreamRequest upstream) {
    URI u = view.uri();
    if (upstream.path().equals(view.path()) && java.util.Objects.equals(upstream.rawQuery(), view.rawQuery())) {
      return u;
    }
    return URI.create(u.getScheme() + "://" + u.getRawAuthority() + upstream.path()
        + (upstream.rawQuery() == null ? "" : "?" + upstream.rawQuery()));
  }

  private static URI endpointUri(UpstreamRequest upstream, Endpoint endpoint) {
    String address = endpoint.address();
    String host = address.indexOf(':') >= 0 && !address.startsWith("[") ? "[" + address + "]" : address;
    return URI.create(upstream.scheme() + "://" + host + ":" + endpoint.port() + upstream.path()
        + (upstream.rawQuery() == null ? "" : "?" + upstream.rawQuery()));
  }

  /**
   * The application's cookies for the logical URI (the JDK client would key them by the
   * endpoint's address): first those of its {@link CookieHandler}, then its own {@code Cookie}
   * header, as the JDK sends them.
   */
  private void addCookies(TreeMap<String, List<String>> headers) throws IOException {
    CookieHandler cookies = call.client().settings().cookieHandler().orElse(null);
    if (cookies == null) {
      return;
    }
    Map<String, List<String>> stored = cookies.get(view.uri(), Map.copyOf(hop.headers().map()));
    for (Map.Entry<String, List<String>> e : stored.entrySet()) {
      if (!e.getValue().isEmpty() && (e.getKey().equalsIgnoreCase("Cookie") || e.getKey().equalsIgnoreCase("Cookie2"))) {
        List<String> values = new java.util.ArrayList<>(e.getValue());
        values.addAll(headers.getOrDefault(e.getKey(), List.of()));
        headers.put(e.getKey(), values);
      }
    }
  }

  /** Stores the response's cookies against the logical URI. */
  private void storeCookies(HttpResponse.ResponseInfo info) throws IOException {
    CookieHandler cookies = call.client().settings().cookieHandler().orElse(null);
    if (cookies != null) {
      cookies.put(view.uri(), info.headers().map());
    }
  }

  /** What an attempt's failure before response headers is, for the engine to classify. */
  static IOException failure(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof IOException e) {
      return e;
    }
    if (cause instanceof CancellationException) {
      InterruptedIOException e = new InterruptedIOException("the request was cancelled");
      e.initCause(cause);
      return e;
    }
    if (cause instanceof RuntimeException e) {
      throw e;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new IOException(cause);
  }

  @Override
  public ResponseInfo view(JdkResponse response) {
    HttpClient.Version v = response.version;
    return new ResponseInfo(response.status, response.headers().firstValue("grpc-status").orElse(null),
        response.headers().firstValueAsLong("content-length").orElse(-1),
        v == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1", null, null,
        response.headers().firstValue(ResponseInfo.PEER_METADATA_HEADER).orElse(null));
  }

  @Override
  public void discard(JdkResponse response) {
    response.discard();
  }

  @Override
  public JdkResponse reply(LocalReply reply) {
    return new JdkResponse.Local(reply);
  }

  @Override
  public JdkResponse complete(JdkResponse response, HeaderMutation headers, LongConsumer done) {
    response.complete(headers, done);
    return response;
  }

  @Override
  public UpstreamFailure classify(IOException failure) {
    return FailureClassifier.classify(failure, http2, call.isCancelledByApplication(), connectLimit, requestLimit);
  }

  @Override
  public boolean isCancelled() {
    return call.isCancelled();
  }

  /** Sends a copy fire-and-forget; a body the application marked as readable once is not copied. */
  @Override
  public void mirror(UpstreamRequest upstream) {
    if (!view.replayable()) {
      return;
    }
    try {
      HttpRequest copy = toJdk(upstream, upstream.timeout() == null ? Long.MAX_VALUE : upstream.timeout().toNanos(),
          false);
      call.client().inner().forAttempt(upstream).client().sendAsync(copy, HttpResponse.BodyHandlers.discarding())
          .whenComplete((r, t) -> {
            if (t != null) {
              log.debug("mirror request to {} failed: {}", copy.uri(), t.toString());
            }
          });
    } catch (IOException | RuntimeException e) {
      log.debug("mirror request for {} not sent: {}", view.uri(), e.toString());
    }
  }
}
