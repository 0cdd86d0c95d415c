package dev.mesh4j.okhttp;

import dev.mesh4j.api.endpoint.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hostile peer on 127.0.0.1: a raw server socket whose script decides, byte by byte, what each
 * accepted connection gets (trickled headers, a dropped connection after the request, nothing at
 * all). It counts connections and the HTTP requests its script read, and keeps the first bytes
 * of every connection, so a test can tell what left the client. Closing it releases every
 * script (they wait on {@link #released()}) and closes every socket.
 */
final class RawPeer implements AutoCloseable {
  /** What a connection gets. */
  @FunctionalInterface
  interface Script {
    void serve(Connection connection) throws IOException, InterruptedException;
  }

  /** One accepted connection, as its script sees it. */
  final class Connection {
    final Socket socket;
    final int index;
    final InputStream in;
    final OutputStream out;

    Connection(Socket socket, int index) throws IOException {
      this.socket = socket;
      this.index = index;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    /**
     * Reads one HTTP/1.1 request (head and a {@code Content-Length} body) and counts it; returns
     * its head, or null when the client closed the connection first.
     */
    String readRequest() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        if (head.size() == 0) {
          firstBytes.add((byte) b);
        }
        head.write(b);
        matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
            ? matched + 1 : b == '\r' ? 1 : 0;
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      for (String line : text.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          in.readNBytes(Integer.parseInt(line.substring(15).trim()));
        }
      }
      requests.add(text);
      return text;
    }

    /** Reads whatever the client sends first (up to 64 bytes), without parsing it. */
    byte[] readFirstBytes() throws IOException {
      byte[] buf = new byte[64];
      int n = in.read(buf);
      byte[] got = n <= 0 ? new byte[0] : java.util.Arrays.copyOf(buf, n);
      if (got.length > 0) {
        firstBytes.add(got[0]);
      }
      received.add(new String(got, StandardCharsets.ISO_8859_1));
      return got;
    }

    void write(String s) throws IOException {
      out.write(s.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** Writes {@code s} one byte at a time, {@code pauseMillis} apart, until done or the peer is closed. */
    void trickle(String s, long pauseMillis) throws IOException, InterruptedException {
      for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
        if (released.await(pauseMillis, TimeUnit.MILLISECONDS)) {
          return;
        }
        out.write(b);
        out.flush();
      }
    }

    /**
     * Acts as an HTTP proxy for one {@code CONNECT} (counted as a request): opens the tunnel to the
     * address asked for and relays bytes both ways until either side closes.
     */
    void tunnel() throws IOException, InterruptedException {
      String head = readRequest();
      if (head == null || !head.startsWith("CONNECT ")) {
        return;
      }
      String target = head.substring(8, head.indexOf(' ', 8));
      int colon = target.lastIndexOf(':');
      try (Socket upstream = new Socket(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))) {
        write("HTTP/1.1 200 Connection established\r\n\r\n");
        Thread up = new Thread(() -> {
          try {
            in.transferTo(upstream.getOutputStream());
          } catch (IOException e) {
            // one side closed
          } finally {
            try {
              upstream.shutdownOutput();
            } catch (IOException e) {
              // already closed
            }
          }
        }, "raw-peer-tunnel");
        up.setDaemon(true);
        up.start();
        try {
          upstream.getInputStream().transferTo(out);
        } catch (IOException e) {
          // one side closed
        }
        up.join(1000);
      }
    }

    /** Waits up to {@code millis}, returning early when the peer is closed. */
    void pause(long millis) throws InterruptedException {
      released.await(millis, TimeUnit.MILLISECONDS);
    }
  }

  private final ServerSocket server;
  private final Script script;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<Byte> firstBytes = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);

  private RawPeer(Script script) throws IOException {
    this.script = script;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
    Thread acceptor = new Thread(this::accept, "raw-peer-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static RawPeer start(Script script) {
    try {
      return new RawPeer(script);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a raw peer", e);
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      sockets.add(s);
      int index = connections.getAndIncrement();
      Thread t = new Thread(() -> {
        try (s) {
          script.serve(new Connection(s, index));
        } catch (IOException | InterruptedException e) {
          // the client went away, or the peer was closed
        }
      }, "raw-peer-" + index);
      t.setDaemon(true);
      t.start();
    }
  }

  int port() {
    return server.getLocalPort();
  }

  Endpoint endpoint() {
    return Endpoint.of("127.0.0.1", port());
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  /** Heads of the HTTP requests scripts read, in order. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** What {@link Connection#readFirstBytes} read, one entry per connection. */
  List<String> received() {
    return List.copyOf(received);
  }

  /** The first byte of every request or first read (0x16 opens a TLS handshake). */
  List<Byte> firstBytes() {
    return List.copyOf(firstBytes);
  }

  @Override
  public void close() {
    released.countDown();
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
