package dev.mesh4j.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Serves a {@link MeshConsole} on the JDK's HTTP server; see {@link MeshConsole.Server}. */
final class ConsoleHttpServer implements AutoCloseable {
  /** The JDK server's switch for TCP_NODELAY on accepted connections, read once when it first starts. */
  static final String NODELAY = "sun.net.httpserver.nodelay";
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final MeshConsole console;
  private final HttpServer server;
  private final ExecutorService executor;
  private final boolean loopbackOnly;

  private ConsoleHttpServer(MeshConsole console, InetSocketAddress address) throws IOException {
    this.console = console;
    // The JDK server writes response headers and body separately; without TCP_NODELAY, Nagle's
    // algorithm and the client's delayed ACK hold every kept-alive exchange ~40 ms. The property
    // is read when the server's configuration class loads, so set it before the first server.
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
    this.loopbackOnly = address.getAddress() != null && address.getAddress().isLoopbackAddress();
    this.server = HttpServer.create(address, 16);
    this.executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "mesh4j-console-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  static ConsoleHttpServer start(MeshConsole console, InetSocketAddress address) {
    try {
      return new ConsoleHttpServer(console, address);
    } catch (IOException e) {
      throw new UncheckedIOException("mesh4j console: cannot listen on " + address, e);
    }
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, new MeshConsole.Response(405, "text/plain; charset=utf-8",
            "method not allowed\n".getBytes(StandardCharsets.UTF_8)));
        return;
      }
      if (loopbackOnly && !isLoopbackHost(ex.getRequestHeaders().getFirst("Host"))) {
        send(ex, new MeshConsole.Response(403, "text/plain; charset=utf-8",
            "the mesh4j console answers only requests addressed to a loopback host\n".getBytes(StandardCharsets.UTF_8)));
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      String relative = path.startsWith("/") ? path.substring(1) : path;
      send(ex, console.handle(relative, parameters(ex.getRequestURI().getRawQuery())));
    } catch (RuntimeException e) {
      // A bug must not kill the server thread or leave the client waiting.
      send(ex, new MeshConsole.Response(500, "text/plain; charset=utf-8",
          ("mesh4j console: " + e).getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static void send(HttpExchange ex, MeshConsole.Response r) throws IOException {
    var h = ex.getResponseHeaders();
    h.set("Content-Type", r.contentType());
    h.set("Cache-Control", "no-store");
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    if (r.contentType().startsWith("text/html")) {
      h.set("Content-Security-Policy", Page.contentSecurityPolicy());
    }
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(r.status(), head ? -1 : r.body().length == 0 ? -1 : r.body().length);
    if (!head && r.body().length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.body());
      }
    }
  }

  /** Whether a Host header names a loopback address or {@code localhost} (any port). */
  static boolean isLoopbackHost(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String name = host;
    if (name.startsWith("[")) {
      int end = name.indexOf(']');
      if (end < 0) {
        return false;
      }
      name = name.substring(1, end);
    } else {
      int colon = name.lastIndexOf(':');
      if (colon >= 0 && name.indexOf(':') == colon) {
        name = name.substring(0, colon);
      }
    }
    name = name.toLowerCase(Locale.ROOT);
    if (name.equals("localhost") || name.endsWith(".localhost")) {
      return true;
    }
    if (!name.matches("[0-9.]+|[0-9a-f:]+")) {
      return false;  // a name other than localhost: never resolved here
    }
    try {
      return InetAddress.getByName(name).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  /** The query's parameters, decoded, in order; repeated names keep every value. */
  static Map<String, List<String>> parameters(String rawQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;  // a malformed escape is taken literally
    }
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
    try {
      executor.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
