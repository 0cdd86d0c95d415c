package dev.mesh4j.samples.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mesh4j.api.endpoint.Endpoint;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A productpage pod on loopback: one version of bookinfo's front end, answering every path with
 * the version that answered ({@code productpage v1}): {@code /productpage} as a page a browser
 * shows, other paths as a line of text with the method, path and the size of the body it read.
 * Keeps a count of requests and the last request seen, for the demo's shares and the tests.
 * Thread-safe.
 */
public final class ProductpagePod implements Closeable {
  /** Response header naming the version that answered. */
  public static final String VERSION_HEADER = "x-productpage-version";

  private final String version;
  private final HttpServer server;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicReference<Received> last = new AtomicReference<>();

  private ProductpagePod(String version, HttpServer server) {
    this.version = version;
    this.server = server;
  }

  /** Starts a pod of {@code version} ({@code v1}, {@code v2}) on a free loopback port. */
  public static ProductpagePod start(String version) throws IOException {
    HttpServer server = JdkServers.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        "productpage-" + version, 8);
    ProductpagePod pod = new ProductpagePod(version, server);
    server.createContext("/", pod::handle);
    server.start();
    return pod;
  }

  /** What a request brought: method, path with query, and headers (names in lower case). */
  public record Received(String method, String pathAndQuery, Map<String, List<String>> headers, long bodyBytes) {
    /** The first value of a header, or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }

  public String version() {
    return version;
  }

  /** The endpoint to register, labelled {@code app=productpage} and with its version. */
  public Endpoint endpoint() {
    InetSocketAddress a = server.getAddress();
    return Endpoint.of(a.getAddress().getHostAddress(), a.getPort())
        .withLabel("app", "productpage").withLabel("version", version);
  }

  /** Requests answered so far. */
  public long requests() {
    return requests.get();
  }

  /** The last request answered, or null. */
  public Received last() {
    return last.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      long bodyBytes;
      try (InputStream in = exchange.getRequestBody()) {
        bodyBytes = in.transferTo(OutputStream.nullOutputStream());
      }
      Map<String, List<String>> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      Received received = new Received(exchange.getRequestMethod(), query == null ? path : path + "?" + query,
          Map.copyOf(headers), bodyBytes);
      last.set(received);
      requests.incrementAndGet();
      boolean page = path.equals("/productpage");
      String body = page ? page() : "productpage " + version + ": " + received.method() + " "
          + received.pathAndQuery() + " (" + bodyBytes + " bytes)\n";
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("content-type", page ? "text/html; charset=utf-8" : "text/plain; charset=utf-8");
      exchange.getResponseHeaders().set(VERSION_HEADER, version);
      exchange.getResponseHeaders().add("set-cookie", "productpage-version=" + version + "; Path=/");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(200, head ? -1 : bytes.length);
      if (!head) {
        exchange.getResponseBody().write(bytes);
      }
    }
  }

  private String page() {
    String colour = version.equals("v1") ? "#2b6cb0" : "#c05621";
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Bookinfo productpage " + version
        + "</title></head>\n<body style=\"font-family: sans-serif\">\n<h1>The Comedy of Errors</h1>\n"
        + "<p>Served by <strong id=\"version\" style=\"color: " + colour + "\">productpage " + version
        + "</strong> through bookinfo-gateway (mesh4j).</p>\n"
        + "<p>Reload: about 9 in 10 pages come from v1, 1 in 10 from v2.</p>\n</body></html>\n";
  }

  @Override
  public void close() {
    JdkServers.stop(server);
  }
}
