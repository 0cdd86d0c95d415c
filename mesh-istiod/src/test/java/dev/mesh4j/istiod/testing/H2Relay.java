package dev.mesh4j.istiod.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback between a client and a plain-text HTTP/2 (h2c) server, as a NAT or load
 * balancer sits between a workload and istiod. It reads the frames going through: it counts the
 * keepalive PINGs the client sends and the GOAWAYs the server sends. {@link #silence()} makes every
 * connection open now a black hole — bytes are read and dropped both ways, nothing is closed, as a
 * NAT that forgot the connection — while connections made afterwards are relayed as before.
 */
public final class H2Relay implements AutoCloseable {
  private static final int PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".length();
  private static final int PING = 0x6;
  private static final int GOAWAY = 0x7;

  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final AtomicInteger pings = new AtomicInteger();
  private final AtomicInteger goAways = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;

  public H2Relay(int upstreamPort) throws IOException {
    this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "h2-relay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The address to give the client: {@code 127.0.0.1:port}. */
  public String address() {
    return InetAddress.getLoopbackAddress().getHostAddress() + ":" + listener.getLocalPort();
  }

  /** Keepalive PING frames (not their ACKs, nor flow-control probes) the clients sent, over every connection. */
  public int pings() {
    return pings.get();
  }

  /** GOAWAY frames the server sent, over every connection. */
  public int goAways() {
    return goAways.get();
  }

  /** Connections the clients made. */
  public int connections() {
    return connections.get();
  }

  /** Every connection open now goes silent both ways and stays open; new ones are relayed. */
  public void silence() {
    links.forEach(l -> l.silent.set(true));
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(upstream, 5_000);
        connections.incrementAndGet();
        Link link = new Link(client, server);
        links.add(link);
        pump(link, client, server, new Frames(true), "h2-relay-up");
        pump(link, server, client, new Frames(false), "h2-relay-down");
      } catch (IOException e) {
        // Closed, or the server went away: the client sees its connection fail.
      }
    }
  }

  private void pump(Link link, Socket from, Socket to, Frames frames, String name) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          if (link.silent.get()) {
            continue; // dropped: the peer never hears of it
          }
          frames.read(buffer, n);
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // The connection is gone.
      } finally {
        if (!link.silent.get()) {
          link.close();
        }
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    links.forEach(Link::close);
  }

  private static final class Link {
    final Socket client;
    final Socket server;
    final AtomicBoolean silent = new AtomicBoolean();

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void close() {
      try {
        client.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      try {
        server.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /**
   * Reads the HTTP/2 frames of one direction as they pass: a 9-byte header, then the payload. A
   * PING's 8-byte payload tells a keepalive ping from grpc-java's flow-control (BDP) probe, which
   * it sends after reading data and carries the payload 1234.
   */
  private final class Frames {
    private static final long BDP_PING = 1234;
    private final boolean fromClient;
    private final byte[] header = new byte[9];
    private int have;
    private int skip;
    private int pingBytes = -1;
    private long ping;

    Frames(boolean fromClient) {
      this.fromClient = fromClient;
      this.skip = fromClient ? PREFACE : 0;
    }

    void read(byte[] bytes, int n) {
      int i = 0;
      while (i < n) {
        if (pingBytes >= 0) {
          ping = ping << 8 | bytes[i++] & 0xff;
          if (++pingBytes == 8) {
            pingBytes = -1;
            if (ping != BDP_PING) {
              pings.incrementAndGet();
            }
          }
          continue;
        }
        if (skip > 0) {
          int s = Math.min(skip, n - i);
          skip -= s;
          i += s;
          continue;
        }
        header[have++] = bytes[i++];
        if (have == 9) {
          have = 0;
          int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
          int type = header[3] & 0xff;
          boolean ack = (header[4] & 0x1) != 0;
          if (fromClient && type == PING && !ack && length == 8) {
            pingBytes = 0;
            ping = 0;
          } else {
            if (!fromClient && type == GOAWAY) {
              goAways.incrementAndGet();
            }
            skip = length;
          }
        }
      }
    }
  }
}
