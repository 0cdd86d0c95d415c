package dev.mesh4j.samples.kubernetes;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for one pod: an HTTP server on its own loopback address (all of 127/8 is loopback)
 * that answers with its name.
 */
final class Pod implements AutoCloseable {
  static {
    // Headers and body are separate writes: without TCP_NODELAY each exchange waits ~40ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final String name;
  private final String ip;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "pod");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger requests = new AtomicInteger();

  Pod(String name, String ip, int port) throws IOException {
    this.name = name;
    this.ip = ip;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(ip), port), 64);
    server.setExecutor(threads);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      byte[] body = name.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  String name() {
    return name;
  }

  String ip() {
    return ip;
  }

  int port() {
    return server.getAddress().getPort();
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
