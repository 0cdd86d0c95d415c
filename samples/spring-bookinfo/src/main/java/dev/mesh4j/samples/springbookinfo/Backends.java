package dev.mesh4j.samples.springbookinfo;

import com.sun.net.httpserver.HttpServer;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.ServiceRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stand-ins for bookinfo's pods behind productpage: reviews v1, v2 and v3 and ratings v1, each an
 * HTTP server on 127.0.0.1 answering with its name and remembering the headers it last received.
 * Registered as {@code reviews:9080} and {@code ratings:9080} — what Kubernetes would give the
 * mesh — with the {@code version} labels the DestinationRule's subsets select on.
 */
public final class Backends implements AutoCloseable {
  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY each exchange waits ~40ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** One pod. */
  public static final class Pod implements AutoCloseable {
    private final String name;
    private final Map<String, String> labels;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "pod");
      t.setDaemon(true);
      return t;
    });
    private volatile Map<String, String> lastHeaders = Map.of();

    Pod(String app, String version) {
      this.name = app + "-" + version;
      this.labels = Map.of("app", app, "version", version);
      try {
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server.setExecutor(threads);
      server.createContext("/", exchange -> {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        lastHeaders = headers;
        byte[] body = name.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
    }

    public String name() {
      return name;
    }

    /** The headers of the last request this pod received, by lower-case name. */
    public Map<String, String> lastHeaders() {
      return lastHeaders;
    }

    Endpoint endpoint() {
      return new Endpoint("127.0.0.1", server.getAddress().getPort(), labels, 1, null);
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  private final Map<String, Pod> pods = new LinkedHashMap<>();

  public Backends() {
    for (String v : List.of("v1", "v2", "v3")) {
      pods.put("reviews-" + v, new Pod("reviews", v));
    }
    pods.put("ratings-v1", new Pod("ratings", "v1"));
  }

  /** A pod by name ({@code reviews-v2}). */
  public Pod pod(String name) {
    return pods.get(name);
  }

  /** Registers the pods as the endpoints of their services. */
  public ServiceRegistry registerIn(ServiceRegistry registry) {
    return registry
        .register("reviews", 9080, pod("reviews-v1").endpoint(), pod("reviews-v2").endpoint(),
            pod("reviews-v3").endpoint())
        .register("ratings", 9080, pod("ratings-v1").endpoint());
  }

  @Override
  public void close() {
    pods.values().forEach(Pod::close);
  }
}
