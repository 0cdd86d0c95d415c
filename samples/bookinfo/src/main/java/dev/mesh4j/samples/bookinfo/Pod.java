package dev.mesh4j.samples.bookinfo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mesh4j.api.endpoint.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for one bookinfo pod: an HTTP server on 127.0.0.1 that answers with its name (or
 * with what its handler returns) and remembers the headers of the last request. Scenes can make
 * it fail ({@link #failWith}) or slow ({@link #slowBy}).
 */
final class Pod implements AutoCloseable {
  static {
    // Headers and body are separate writes: without TCP_NODELAY each exchange waits ~40ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** What a pod answers to one request. */
  @FunctionalInterface
  interface Handler {
    String answer(HttpExchange exchange) throws IOException;
  }

  private final String name;
  private final Map<String, String> labels;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(16, r -> {
    Thread t = new Thread(r, "pod");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int failStatus;
  private volatile long delayMillis;
  private volatile Map<String, String> lastHeaders = Map.of();
  private volatile String sidecarMetadata;
  private volatile String sidecarId;

  Pod(String name, Map<String, String> labels) throws IOException {
    this(name, labels, exchange -> name);
  }

  Pod(String name, Map<String, String> labels, Handler handler) throws IOException {
    this.name = name;
    this.labels = Map.copyOf(labels);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(threads);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      lastHeaders = headers;
      if (delayMillis > 0) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      int status = failStatus > 0 ? failStatus : 200;
      byte[] body = (status == 200 ? handler.answer(exchange) : name + " failed").getBytes(StandardCharsets.UTF_8);
      if (sidecarMetadata != null && headers.containsKey("x-envoy-peer-metadata")) {
        // Its Istio sidecar answers a caller that sent its metadata with the pod's own.
        exchange.getResponseHeaders().set("x-envoy-peer-metadata", sidecarMetadata);
        exchange.getResponseHeaders().set("x-envoy-peer-metadata-id", sidecarId);
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  /**
   * Makes this pod answer as one behind an Istio sidecar does: with the sidecar's
   * {@code x-envoy-peer-metadata} (and {@code -id}) when the request carried the caller's.
   */
  Pod behindSidecar(String metadata, String nodeId) {
    this.sidecarMetadata = metadata;
    this.sidecarId = nodeId;
    return this;
  }

  String name() {
    return name;
  }

  int requests() {
    return requests.get();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** From now on answers every request with this status (0: healthy again). */
  void failWith(int status) {
    this.failStatus = status;
  }

  /** From now on takes this long to answer (a slow pod, for the overload scene). */
  void slowBy(long millis) {
    this.delayMillis = millis;
  }

  /** The headers of the last request this pod received, by lower-case name. */
  Map<String, String> lastHeaders() {
    return lastHeaders;
  }

  /** This pod as an endpoint of its service, with its labels (subsets select on them). */
  Endpoint endpoint() {
    return new Endpoint("127.0.0.1", port(), labels, 1, null);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
