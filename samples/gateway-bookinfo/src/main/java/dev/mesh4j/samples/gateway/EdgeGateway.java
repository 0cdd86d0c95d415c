package dev.mesh4j.samples.gateway;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.okhttp.MeshOkHttp;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSink;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * An edge server acting as an Istio ingress gateway: it receives browser traffic on a JDK
 * {@link HttpServer} and forwards each request through an OkHttp client with the mesh installed,
 * so the VirtualServices bound to the gateways the mesh's workload acts as
 * ({@code Mesh.builder().gateways("bookinfo-gateway")}) route it.
 *
 * <p>What it does to a request, as the gateway's Envoy does to an external request (Istio's
 * gateway listener: {@code use_remote_address: true}, no trusted proxies in front):
 *
 * <ul>
 *   <li>The authority the browser sent ({@code Host}, or the authority of an absolute request
 *       target) is the host the gateway's VirtualServices match, and goes upstream unchanged;
 *       the path and query are routed as received. A malformed authority is answered 400.
 *   <li>{@code x-forwarded-for}: the peer's address is appended; {@code x-forwarded-proto} is set
 *       to {@code http} (this edge does not terminate TLS), whatever the client sent.
 *   <li>{@code x-request-id}: the client's value is not trusted; the mesh gives the request a new
 *       one. Trace context the browser sent ({@code traceparent}, B3, baggage) is continued.
 *   <li>Hop-by-hop headers (and those {@code Connection} names) are not forwarded; neither are
 *       {@code x-envoy-*} and {@code x-forwarded-client-cert} from the client.
 *   <li>Status, headers (hop-by-hop removed) and body of the response stream back as they come;
 *       redirects go back to the browser, not followed; nothing is sticky (no cookie jar).
 * </ul>
 *
 * <p>A failure before the response started is answered 503, as Envoy answers an upstream reset.
 * Thread-safe; {@link #close()} stops the server.
 */
public final class EdgeGateway implements Closeable {
  /** Never forwarded in either direction (RFC 9110 §7.6.1, and Envoy's list). */
  static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding",
      "upgrade", "te", "trailer", "expect", "proxy-authenticate");

  /** Methods OkHttp sends only with a body (an empty one when the client sent none). */
  private static final Set<String> NEEDS_BODY = Set.of("POST", "PUT", "PATCH", "PROPPATCH", "REPORT");

  /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; nothing else is an authority. */
  private static final Pattern AUTHORITY =
      Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

  private final Mesh mesh;
  private final OkHttpClient client;
  private final HttpServer server;

  private EdgeGateway(Mesh mesh, OkHttpClient client, HttpServer server) {
    this.mesh = mesh;
    this.client = client;
    this.server = server;
  }

  /**
   * Starts an edge on {@code address} (port 0: a free one) routing through {@code mesh}, which
   * should act as the gateway ({@code Mesh.builder().gateways(...)}) and not as {@code mesh}.
   */
  public static EdgeGateway start(Mesh mesh, InetSocketAddress address) throws IOException {
    requireNonNull(mesh, "mesh");
    requireNonNull(address, "address");
    OkHttpClient client = MeshOkHttp.install(mesh, new OkHttpClient.Builder()
        // A gateway hands redirects to the browser.
        .followRedirects(false).followSslRedirects(false)).build();
    HttpServer server = JdkServers.create(address, "edge", 32);
    EdgeGateway edge = new EdgeGateway(mesh, client, server);
    server.createContext("/", edge::handle);
    server.start();
    return edge;
  }

  /** The address to open in a browser, e.g. {@code http://127.0.0.1:8080}. */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    return URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Request request = upstreamRequest(exchange);
      if (request == null) {
        reply(exchange, 400, "Bad Request");
        return;
      }
      MeshContext context = mesh.captureContext(name -> name.equalsIgnoreCase("x-request-id") ? null
          : exchange.getRequestHeaders().getFirst(name));
      Response response;
      try (MeshContext.Scope scope = context.makeCurrent()) {
        response = client.newCall(request).execute();
      } catch (IOException e) {
        reply(exchange, 503, "upstream connect error or disconnect/reset before headers. reset reason: " + e);
        return;
      }
      try (response) {
        relay(exchange, response);
      }
    }
  }

  /** The request to send through the mesh, or null when the client's authority is malformed. */
  private static @Nullable Request upstreamRequest(HttpExchange exchange) {
    URI target = exchange.getRequestURI();
    Headers in = exchange.getRequestHeaders();
    // An absolute request target carries the authority; otherwise Host does (RFC 9112 §3.2.2).
    String authority = target.getRawAuthority() != null ? target.getRawAuthority() : in.getFirst("Host");
    if (authority == null || !AUTHORITY.matcher(authority).matches()) {
      return null;
    }
    String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
    HttpUrl url = HttpUrl.parse("http://" + authority + path
        + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()));
    if (url == null) {
      return null;
    }
    Set<String> nominated = nominated(in);
    Request.Builder out = new Request.Builder().url(url);
    for (Map.Entry<String, List<String>> h : in.entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(name) || nominated.contains(name) || name.equals("host") || name.equals("content-length")
          || name.equals("x-request-id") || name.equals("x-forwarded-proto") || name.equals("x-forwarded-for")
          || name.startsWith("x-envoy-") || name.equals("x-forwarded-client-cert")) {
        continue;
      }
      for (String value : h.getValue()) {
        out.addHeader(h.getKey(), value);
      }
    }
    String peer = exchange.getRemoteAddress().getAddress().getHostAddress();
    List<String> xff = in.get("X-forwarded-for");
    out.header("x-forwarded-for", xff == null || xff.isEmpty() ? peer : String.join(", ", xff) + ", " + peer);
    out.header("x-forwarded-proto", "http");
    return out.method(exchange.getRequestMethod(), body(exchange)).build();
  }

  /** Header names the client's {@code Connection} header nominates as hop-by-hop. */
  private static Set<String> nominated(Headers in) {
    List<String> connection = in.get("Connection");
    if (connection == null) {
      return Set.of();
    }
    Set<String> names = new HashSet<>();
    for (String value : connection) {
      for (String token : value.split(",")) {
        names.add(token.trim().toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  /** The client's body, streamed once as it arrives; null for a request without one. */
  private static @Nullable RequestBody body(HttpExchange exchange) {
    String method = exchange.getRequestMethod();
    String length = exchange.getRequestHeaders().getFirst("Content-length");
    boolean chunked = exchange.getRequestHeaders().containsKey("Transfer-encoding");
    long contentLength = length == null ? -1 : Long.parseLong(length.trim());
    if (!chunked && contentLength <= 0) {
      return NEEDS_BODY.contains(method) ? RequestBody.create(new byte[0]) : null;
    }
    InputStream in = exchange.getRequestBody();
    return new RequestBody() {
      @Override
      public @Nullable MediaType contentType() {
        return null; // the client's content-type header goes as it was sent
      }

      @Override
      public long contentLength() {
        return chunked ? -1 : contentLength;
      }

      @Override
      public boolean isOneShot() {
        return true;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.writeAll(Okio.source(in));
      }
    };
  }

  private static void relay(HttpExchange exchange, Response response) throws IOException {
    Headers out = exchange.getResponseHeaders();
    Set<String> nominated = new HashSet<>();
    for (String value : response.headers("Connection")) {
      for (String token : value.split(",")) {
        nominated.add(token.trim().toLowerCase(Locale.ROOT));
      }
    }
    for (int i = 0; i < response.headers().size(); i++) {
      String name = response.headers().name(i).toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !nominated.contains(name) && !name.equals("content-length")) {
        out.add(response.headers().name(i), response.headers().value(i));
      }
    }
    ResponseBody body = response.body();
    int status = response.code();
    boolean noBody = exchange.getRequestMethod().equals("HEAD") || status == 204 || status == 304 || status < 200;
    long length = body.contentLength();
    // The JDK server's lengths: -1 no body, 0 chunked, n exactly n bytes.
    exchange.sendResponseHeaders(status, noBody || length == 0 ? -1 : length < 0 ? 0 : length);
    if (!noBody) {
      try (InputStream from = body.byteStream(); OutputStream to = exchange.getResponseBody()) {
        from.transferTo(to);
      }
    }
  }

  private static void reply(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", "text/plain");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** Stops the server; requests in flight are cut off. The mesh is not closed. */
  @Override
  public void close() {
    JdkServers.stop(server);
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
