package dev.mesh4j.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mesh4j.api.endpoint.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 (the JDK's), standing in for one pod: it answers every request
 * with its name (or a scripted response) and records what it received. Test fixture, shared with
 * other modules through the test jar.
 */
public final class LoopbackBackend implements AutoCloseable {
  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm
    // and delayed ACKs add ~40ms to every keep-alive exchange.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /**
   * What the backend received.
   *
   * @param target the request target as sent on the request line: a path, or an absolute URI
   *     when the backend is used as an HTTP proxy
   */
  public record Received(String method, String path, String query, Map<String, List<String>> headers, String body,
      String target) {
    /** The first value of a header (case-insensitive), or null. */
    public String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.get(0);
    }
  }

  /** A scripted answer. */
  public record Answer(int status, Map<String, String> headers, String body) {
    public static Answer of(int status, String body) {
      return new Answer(status, Map.of(), body);
    }

    /** Closes the connection without a response (the client sees it end before headers). */
    public static Answer drop() {
      return new Answer(-1, Map.of(), "");
    }
  }

  private final String name;
  private final Map<String, String> labels;
  private final HttpServer server;
  private final ExecutorService executor;
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();
  private volatile Function<Received, Answer> handler;
  private volatile StreamingBody streaming;

  /** Writes a chunked 200 body itself (to test slow or stalled bodies). */
  @FunctionalInterface
  public interface StreamingBody {
    void write(OutputStream out) throws IOException;
  }

  private LoopbackBackend(String name, Map<String, String> labels, InetSocketAddress address) throws IOException {
    this.name = name;
    this.labels = Map.copyOf(labels);
    this.handler = r -> Answer.of(200, name);
    this.server = HttpServer.create(address, 64);
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "backend-" + name);
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a backend answering 200 with its name. */
  public static LoopbackBackend start(String name, Map<String, String> labels) {
    return start(name, labels, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  /**
   * Starts a backend on a given loopback address and port, for manifests that name fixed
   * endpoints such as {@code 127.0.0.2:7072} (all of 127/8 is loopback on Linux).
   */
  public static LoopbackBackend startAt(String name, Map<String, String> labels, String address, int port) {
    try {
      return start(name, labels, new InetSocketAddress(InetAddress.getByName(address), port));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start loopback backend " + name + " on " + address + ":" + port, e);
    }
  }

  private static LoopbackBackend start(String name, Map<String, String> labels, InetSocketAddress address) {
    try {
      return new LoopbackBackend(name, labels, address);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start loopback backend " + name + " on " + address, e);
    }
  }

  public static LoopbackBackend start(String name) {
    return start(name, Map.of());
  }

  /** Answers 200 with a chunked body the writer produces, from now on. */
  public LoopbackBackend streaming(StreamingBody body) {
    this.streaming = body;
    return this;
  }

  /** Answers with the handler's response from now on. */
  public LoopbackBackend answer(Function<Received, Answer> handler) {
    this.handler = handler;
    return this;
  }

  public String name() {
    return name;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The address it listens on ({@code 127.0.0.1} unless started with {@link #startAt}). */
  public String address() {
    return server.getAddress().getAddress().getHostAddress();
  }

  /** This backend as an endpoint carrying its labels. */
  public Endpoint endpoint() {
    return new Endpoint(address(), port(), labels, 1, null);
  }

  /** How many requests arrived. */
  public int requestCount() {
    return count.get();
  }

  /** Every request received so far, oldest first. */
  public List<Received> requests() {
    return new ArrayList<>(received);
  }

  /** The last request received, or null. */
  public Received last() {
    Received last = null;
    for (Received r : received) {
      last = r;
    }
    return last;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      String body;
      try (InputStream in = ex.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Received r = new Received(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
          ex.getRequestURI().getRawQuery(), headers, body, ex.getRequestURI().toString());
      received.add(r);
      count.incrementAndGet();
      if (streaming != null) {
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
          streaming.write(out);
        }
        return;
      }
      Answer a = handler.apply(r);
      if (a.status() < 0) {
        // The JDK server closes the connection when a handler fails before a response.
        throw new IOException("dropping the connection (scripted)");
      }
      byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
      a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      ex.getResponseHeaders().set("x-backend", name);
      if (bytes.length == 0) {
        ex.sendResponseHeaders(a.status(), -1);
      } else {
        ex.sendResponseHeaders(a.status(), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return name + "@" + address() + ":" + port();
  }
}
