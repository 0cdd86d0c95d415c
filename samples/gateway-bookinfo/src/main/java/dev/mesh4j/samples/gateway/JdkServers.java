package dev.mesh4j.samples.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The JDK's HTTP server, set up the way this sample's servers need it. */
final class JdkServers {
  private JdkServers() {}

  /**
   * A server bound to {@code address} with a pool of daemon threads named after it. Turns on
   * {@code TCP_NODELAY} ({@code -Dsun.net.httpserver.nodelay=true}) unless the launcher set the
   * property: without it a small response written in two parts waits for the peer's delayed ACK
   * (~40 ms on Linux). The JDK reads the property once, when its first server starts.
   */
  static HttpServer create(InetSocketAddress address, String name, int threads) throws IOException {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    HttpServer server = HttpServer.create(address, 128);
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    return server;
  }

  /** Stops {@code server} at once and its pool with it. */
  static void stop(HttpServer server) {
    server.stop(0);
    if (server.getExecutor() instanceof ExecutorService pool) {
      pool.shutdownNow();
    }
  }
}
