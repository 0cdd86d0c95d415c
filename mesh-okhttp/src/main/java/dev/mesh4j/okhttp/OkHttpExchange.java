package dev.mesh4j.okhttp;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import java.io.IOException;
import java.net.UnknownServiceException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLSocketFactory;
import okhttp3.Authenticator;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The OkHttp side of one meshed call: builds upstream requests and responses. */
final class OkHttpExchange implements Exchange<Response> {
  private static final Logger log = LoggerFactory.getLogger(OkHttpExchange.class);
  private static final MediaType TEXT_PLAIN = MediaType.get("text/plain");

  private final Interceptor.Chain chain;
  private final Request original;
  /** The same request as routing saw it (its authority and path, computed once). */
  private final OkHttpRequestView view;
  private final OkHttpClient mirrorClient;
  private final TlsContexts tls;
  private final ConnectionReuse reuse;
  private final EndpointUrls urls;
  /** Whether the engine's time budget, rather than the client's own timeout, set the last attempt's limits. */
  private boolean connectLimitedByBudget;
  private boolean readLimitedByBudget;
  /** The last attempt sent, for classifying how it failed. */
  private @Nullable Attempt lastAttempt;

  OkHttpExchange(Interceptor.Chain chain, OkHttpRequestView view, OkHttpClient mirrorClient, TlsContexts tls,
      ConnectionReuse reuse, EndpointUrls urls) {
    this.chain = chain;
    this.reuse = reuse;
    this.urls = urls;
    this.original = view.request();
    this.view = view;
    this.mirrorClient = mirrorClient;
    this.tls = tls;
  }

  @Override
  public Response send(UpstreamRequest upstream) throws IOException {
    // The attempt's limits are wall-clock deadlines counted from now, whatever the peer sends.
    long start = upstream.timeout() != null || upstream.responseTimeout() != null ? System.nanoTime() : 0;
    Attempt attempt = new Attempt(upstream.endpoint() != null, upstream.connection().maxRequestsPerConnection());
    lastAttempt = attempt;
    CookieJar jar = chain.getCookieJar();
    Request request = toOkHttp(upstream, jar, attempt);
    Interceptor.Chain c = wire(timeouts(chain, upstream), upstream, request.url(), tls, reuse, attempt);
    boolean loadCookies = upstream.endpoint() != null && jar != CookieJar.NO_COOKIES;
    if (loadCookies) {
      // The request goes to an endpoint address, but cookies belong to the logical URL: they are
      // loaded and stored here, against the application's URL, and OkHttp must not do it again.
      c = c.withCookieJar(CookieJar.NO_COOKIES);
    }
    if (upstream.timeout() != null) {
      attempt.deadlineNanoTime(start + Math.max(1, upstream.timeout().toNanos()));
      attempt.enter();
    }
    Response response = null;
    IOException failure = null;
    boolean expired;
    try {
      response = c.proceed(request);
    } catch (IOException e) {
      failure = e;
    } finally {
      expired = attempt.exit();
    }
    if (expired) {
      // Cut at the deadline, or headers that came too late (HTTP/2): a timeout either way.
      if (response != null) {
        response.close();
      }
      throw Attempt.expired(failure);
    }
    if (failure != null) {
      throw failure;
    }
    response = FollowUps.restore(response);
    if (loadCookies) {
      List<Cookie> cookies = Cookie.parseAll(original.url(), response.headers());
      if (!cookies.isEmpty()) {
        jar.saveFromResponse(original.url(), cookies);
      }
    }
    if (upstream.responseTimeout() != null) {
      // The route deadline also bounds reading the body, as Envoy resets a stream past it; counted
      // from the attempt's start, not from the headers.
      response.body().source().timeout().deadlineNanoTime(start + Math.max(1, upstream.responseTimeout().toNanos()));
    }
    return response;
  }

  /**
   * How an attempt's connections are made: the cluster's connection pool, TLS (the one mesh4j
   * originates, or the application's own for an {@code https} request, never none), the
   * connection guard, and none of OkHttp's own resends for requests to endpoints the mesh picked.
   */
  static Interceptor.Chain wire(Interceptor.Chain chain, UpstreamRequest upstream, HttpUrl url, TlsContexts tls,
      ConnectionReuse reuse, @Nullable Attempt attempt) throws IOException {
    Interceptor.Chain c = chain;
    if (upstream.connection().idleTimeout() != null) {
      c = c.withConnectionPool(reuse.pool(upstream.connection().idleTimeout()));
    }
    Endpoint endpoint = upstream.endpoint();
    if (upstream.tls() != null) {
      TlsContexts.Context context = upstream.tls().mode() == ClientTlsSettings.TlsMode.ISTIO_MUTUAL
          ? tls.istio(upstream.tls(), upstream.sni(), upstream.identity())
          : tls.context(upstream.tls(), upstream.sni());
      c = c.withSslSocketFactory(context.socketFactory(), context.trustManager())
          .withHostnameVerifier(context.hostnameVerifier());
    } else if (url.isHttps()) {
      SSLSocketFactory own = c.getSslSocketFactoryOrNull();
      if (own == null) {
        // OkHttp would send it in plain text (its connection specs allow cleartext only).
        throw new UnknownServiceException("mesh4j refused to send " + url.scheme() + "://" + upstream.authority()
            + upstream.path() + " without TLS: the client has no TLS connection spec");
      }
      String logical = upstream.sni();
      if (endpoint != null && logical != null && !url.host().equals(logical)) {
        // The URL names the endpoint (the logical host is an IP literal, or a proxy must be told
        // the endpoint's address): send and verify the logical host with the client's own TLS.
        c = c.withSslSocketFactory(new SniSocketFactory(own, logical), c.getX509TrustManagerOrNull())
            .withHostnameVerifier(new LogicalHostVerifier(c.getHostnameVerifier(), c.getCertificatePinner(), logical));
      }
    }
    String resolveTo = endpoint != null && !url.host().equals(endpoint.address()) ? endpoint.address() : null;
    c = ConnectionGuard.guard(c, url.scheme(), url.host(), url.port(), resolveTo, attempt);
    if (endpoint != null && c.getRetryOnConnectionFailure()) {
      // Resends are the mesh's: its retry policy, not OkHttp's recovery or its 408 follow-up.
      c = c.withRetryOnConnectionFailure(false);
    }
    if (c.getAuthenticator() != Authenticator.NONE) {
      // Challenges are answered by MeshInterceptor, through the mesh.
      c = c.withAuthenticator(Authenticator.NONE);
    }
    return c;
  }

  /**
   * Applies the engine's limits to this attempt: the cluster's connect timeout, and the
   * attempt's time budget as connect, read and write timeouts where it is shorter than the
   * client's own. They bound each operation; the attempt's deadline ({@link Attempt}) bounds
   * the whole. The client's own shorter timeouts stay in force and fail the call as they would
   * without the mesh.
   */
  private Interceptor.Chain timeouts(Interceptor.Chain chain, UpstreamRequest upstream) {
    Interceptor.Chain c = chain;
    long budget = upstream.timeout() == null ? -1 : Math.max(1, upstream.timeout().toMillis());
    long connect = upstream.connectTimeout() != null ? upstream.connectTimeout().toMillis() : c.connectTimeoutMillis();
    connectLimitedByBudget = budget >= 0 && (connect == 0 || budget < connect);
    if (connectLimitedByBudget) {
      connect = budget;
    }
    if (connect != c.connectTimeoutMillis()) {
      c = c.withConnectTimeout(toInt(connect), TimeUnit.MILLISECONDS);
    }
    readLimitedByBudget = false;
    if (budget >= 0) {
      // Waiting for response headers is a read: a read timeout at the budget is the engine's.
      if (c.readTimeoutMillis() == 0 || budget < c.readTimeoutMillis()) {
        c = c.withReadTimeout(toInt(budget), TimeUnit.MILLISECONDS);
        readLimitedByBudget = true;
      }
      if (c.writeTimeoutMillis() == 0 || budget < c.writeTimeoutMillis()) {
        c = c.withWriteTimeout(toInt(budget), TimeUnit.MILLISECONDS);
      }
    }
    return c;
  }

  private static int toInt(long ms) {
    return (int) Math.min(Integer.MAX_VALUE, ms);
  }

  /** Whether the request goes to an endpoint over the application's own TLS. */
  private static boolean keepsApplicationTls(UpstreamRequest upstream) {
    return upstream.endpoint() != null && upstream.tls() == null && upstream.scheme().equals("https");
  }

  private Request toOkHttp(UpstreamRequest upstream, CookieJar jar, Attempt attempt) {
    Request.Builder b = original.newBuilder().url(url(upstream));
    if (upstream.endpoint() != null || original.header("Host") != null
        || !upstream.authority().equals(view.authority())) {
      b.header("Host", upstream.authority());
    }
    upstream.headers().applyTo(new RequestHeaders(b));
    b.header(UpstreamRequest.ATTEMPT_COUNT_HEADER, attemptCount(upstream.attempt()));
    b.tag(Attempt.class, attempt);
    Endpoint endpoint = upstream.endpoint();
    if (endpoint != null && jar != CookieJar.NO_COOKIES && original.header("Cookie") == null) {
      List<Cookie> cookies = jar.loadForRequest(original.url());
      if (!cookies.isEmpty()) {
        StringBuilder sb = new StringBuilder();
        for (Cookie cookie : cookies) {
          if (sb.length() > 0) {
            sb.append("; ");
          }
          sb.append(cookie.name()).append('=').append(cookie.value());
        }
        b.header("Cookie", sb.toString());
      }
    }
    return b.build();
  }

  /** The URL the attempt is sent to: the application's, with the endpoint's address and the route's path. */
  private HttpUrl url(UpstreamRequest upstream) {
    Endpoint endpoint = upstream.endpoint();
    boolean samePath = upstream.path().equals(view.path());
    if (endpoint == null) {
      return samePath ? original.url() : original.url().newBuilder().encodedPath(upstream.path()).build();
    }
    String sni = upstream.sni();
    if (keepsApplicationTls(upstream) && sni != null && !ConnectionGuard.isIpLiteral(sni)
        && !ConnectionGuard.proxied(chain, "https", sni, endpoint.port())) {
      // The URL keeps naming the logical host, so that OkHttp's own TLS sends it as SNI,
      // verifies the certificate and checks the application's pins against it; the connection
      // guard resolves it to the endpoint's address. (A proxy would resolve it itself: then
      // the URL names the endpoint, and wire() sends and verifies the logical host.)
      HttpUrl.Builder url = original.url().newBuilder().scheme("https").host(sni).port(endpoint.port());
      if (!samePath) {
        url.encodedPath(upstream.path());
      }
      return url.build();
    }
    // The common case: the endpoint's URL (its host canonical already) with the path and query.
    HttpUrl app = original.url();
    HttpUrl fast = urls.attemptUrl(app, endpoint, upstream.scheme(), upstream.path(), view.rawQuery());
    if (fast != null) {
      return fast;
    }
    HttpUrl.Builder url = app.newBuilder().scheme(upstream.scheme()).host(endpoint.address()).port(endpoint.port());
    if (!samePath) {
      url.encodedPath(upstream.path());
    }
    return url.build();
  }

  /** The attempt number as the header value: a constant for the first few. */
  static String attemptCount(int attempt) {
    return attempt >= 0 && attempt < ATTEMPT_COUNTS.length ? ATTEMPT_COUNTS[attempt] : Integer.toString(attempt);
  }

  private static final String[] ATTEMPT_COUNTS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};

  /** Header operations on a request builder (one object, rather than three method references and a target). */
  private static final class RequestHeaders implements HeaderMutation.Target {
    private final Request.Builder b;

    RequestHeaders(Request.Builder b) {
      this.b = b;
    }

    @Override
    public void remove(String name) {
      b.removeHeader(name);
    }

    @Override
    public void set(String name, String value) {
      b.header(name, value);
    }

    @Override
    public void add(String name, String value) {
      b.addHeader(name, value);
    }
  }

  /** Header operations on a response builder. */
  private static final class ResponseHeaders implements HeaderMutation.Target {
    private final Response.Builder b;

    ResponseHeaders(Response.Builder b) {
      this.b = b;
    }

    @Override
    public void remove(String name) {
      b.removeHeader(name);
    }

    @Override
    public void set(String name, String value) {
      b.header(name, value);
    }

    @Override
    public void add(String name, String value) {
      b.addHeader(name, value);
    }
  }

  @Override
  public UpstreamFailure classify(IOException e) {
    Attempt a = lastAttempt;
    Protocol p = a == null ? null : a.protocol();
    return FailureClassifier.classify(e, p == null ? FailureClassifier.Phase.CONNECTING : FailureClassifier.Phase.SENT,
        p == Protocol.HTTP_2 || p == Protocol.H2_PRIOR_KNOWLEDGE, chain.call().isCanceled(), connectLimitedByBudget,
        readLimitedByBudget);
  }

  @Override
  public ResponseInfo view(Response response) {
    // The attempt's connection knows the principals when it was Istio's mutual TLS.
    Attempt attempt = response.request().tag(Attempt.class);
    return new ResponseInfo(response.code(), response.header("grpc-status"), response.body().contentLength(),
        protocol(response.protocol()), attempt == null ? null : attempt.peerPrincipal,
        attempt == null ? null : attempt.localPrincipal, response.header(ResponseInfo.PEER_METADATA_HEADER));
  }

  @Override
  public void discard(Response response) {
    response.close();
  }

  /**
   * One copy of the response: the route's header changes, and a body that tells {@code done}
   * when the application has read it to the end or closed it — or {@code done} told at once when
   * the response has no body.
   */
  @Override
  public Response complete(Response response, HeaderMutation headers, LongConsumer done) {
    Response.Builder b = response.newBuilder();
    if (response.body().contentLength() == 0) {
      done.accept(0);
    } else {
      b.body(new CompletionBody(response.body(), done));
    }
    if (!headers.isEmpty()) {
      headers.applyTo(new ResponseHeaders(b));
    }
    return b.build();
  }

  /** The protocol as Envoy's access log writes it. */
  private static String protocol(Protocol p) {
    return switch (p) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_2, H2_PRIOR_KNOWLEDGE -> "HTTP/2";
      case QUIC, HTTP_3 -> "HTTP/3";
      default -> p.toString().toUpperCase(Locale.ROOT);
    };
  }

  @Override
  public Response reply(LocalReply reply) {
    Response.Builder b = new Response.Builder()
        .request(original)
        .protocol(Protocol.HTTP_1_1)
        .code(reply.status())
        .message(Reasons.phrase(reply.status()))
        .sentRequestAtMillis(System.currentTimeMillis())
        .receivedResponseAtMillis(System.currentTimeMillis());
    if (!reply.flags().isEmpty()) {
      b.header(LocalReply.FLAGS_HEADER, reply.flags());
    }
    reply.headers().forEach(b::header);
    if (reply.body().isEmpty()) {
      b.body(ResponseBody.create(new byte[0], null));
    } else {
      b.header("content-type", "text/plain");
      b.body(ResponseBody.create(reply.body(), TEXT_PLAIN));
    }
    return b.build();
  }


  @Override
  public void mirror(UpstreamRequest upstream) {
    if (original.body() != null && original.body().isOneShot()) {
      return;
    }
    Attempt attempt = new Attempt(upstream.endpoint() != null, upstream.connection().maxRequestsPerConnection());
    // MirrorInterceptor wires the copy's connections as the UpstreamRequest tag says.
    Request copy = toOkHttp(upstream, CookieJar.NO_COOKIES, attempt).newBuilder()
        .tag(UpstreamRequest.class, upstream).build();
    mirrorClient.newCall(copy).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        log.debug("mirror request to {} failed: {}", copy.url(), e.toString());
      }

      @Override
      public void onResponse(Call call, Response response) {
        response.close();
      }
    });
  }

  /**
   * The mirror client's interceptor: a mirrored copy's connections are made as its
   * {@link UpstreamRequest} says (TLS, connect timeout, guard), like the main request's.
   */
  static final class MirrorInterceptor implements Interceptor {
    private final TlsContexts tls;
    private final ConnectionReuse reuse;

    MirrorInterceptor(TlsContexts tls, ConnectionReuse reuse) {
      this.tls = tls;
      this.reuse = reuse;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      UpstreamRequest upstream = request.tag(UpstreamRequest.class);
      if (upstream == null) {
        return chain.proceed(request);
      }
      Interceptor.Chain c = chain;
      if (upstream.connectTimeout() != null && upstream.connectTimeout().toMillis() != c.connectTimeoutMillis()) {
        c = c.withConnectTimeout(toInt(upstream.connectTimeout().toMillis()), TimeUnit.MILLISECONDS);
      }
      return wire(c, upstream, request.url(), tls, reuse, request.tag(Attempt.class)).proceed(request);
    }

    @Override
    public String toString() {
      return "MeshMirrorInterceptor";
    }
  }

  @Override
  public boolean isCancelled() {
    return chain.call().isCanceled();
  }
}
