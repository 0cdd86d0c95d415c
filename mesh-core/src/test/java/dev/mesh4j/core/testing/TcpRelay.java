package dev.mesh4j.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback: each connection it accepts is piped, byte for byte, to
 * {@code 127.0.0.1:target} — a stand-in for a proxy that passes TLS through (an egress gateway in
 * {@code PASSTHROUGH} mode). Counts the connections it accepted. Thread-safe.
 */
public final class TcpRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  private TcpRelay(ServerSocket listener, int target) {
    this.listener = listener;
    this.target = target;
  }

  /** Listens on {@code address:port} (0 for any free port). */
  public static TcpRelay start(String address, int port, int target) throws IOException {
    ServerSocket listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getByName(address), port));
    TcpRelay relay = new TcpRelay(listener, target);
    Thread acceptor = new Thread(relay::accept, "relay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return relay;
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** The connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket in = listener.accept();
        connections.incrementAndGet();
        Socket out = new Socket(InetAddress.getByName("127.0.0.1"), target);
        sockets.add(in);
        sockets.add(out);
        pipe(in, out);
        pipe(out, in);
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pipe(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // The other side closed.
      } finally {
        try {
          to.shutdownOutput();
        } catch (IOException ignored) {
          // Closed already.
        }
      }
    }, "relay-pipe");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
