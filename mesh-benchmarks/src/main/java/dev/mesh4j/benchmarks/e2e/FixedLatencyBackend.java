package dev.mesh4j.benchmarks.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The upstream of the end-to-end harness: an HTTP/1.1 keep-alive server on loopback that answers
 * every request {@code 200 ok} after a fixed delay, without burning CPU while it waits.
 *
 * <p>One selector thread parses requests and writes responses; a delayed response is handed to a
 * scheduler thread, which puts it back on the selector's queue when it is due. The delay comes
 * with each request as the query parameter {@code delay_ms} (default 0: answered at once), so
 * one server serves every latency variant and a proxy in front of it needs no restart.
 *
 * <p>Run as its own process ({@link #main}) so that its CPU is not counted as the client's: it
 * listens on the ports given (0 picks one) and prints {@code READY port...} once it accepts.
 * Not a general HTTP server: requests are GETs without bodies or bodies with
 * {@code Content-Length}; no chunked uploads, no pipelining beyond what arrives in order.
 */
public final class FixedLatencyBackend implements AutoCloseable {
  private static final byte[] RESPONSE =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RESPONSE_CLOSE =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
          .getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_HEADER = 16 * 1024;

  private final Selector selector;
  private final List<ServerSocketChannel> listeners = new ArrayList<>();
  private final ScheduledThreadPoolExecutor timer;
  private final Queue<Connection> due = new ConcurrentLinkedQueue<>();
  private final Thread loop;
  private volatile boolean running = true;

  /** Starts listening on 127.0.0.1 at each port (0 for any free port). */
  public FixedLatencyBackend(int... ports) throws IOException {
    selector = Selector.open();
    for (int port : ports) {
      ServerSocketChannel server = ServerSocketChannel.open();
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
      listeners.add(server);
    }
    timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "backend-timer"));
    timer.setRemoveOnCancelPolicy(true);
    loop = daemon(this::run, "backend-selector");
    loop.start();
  }

  /** The ports listened on, in the order given. */
  public int[] ports() {
    return listeners.stream().mapToInt(s -> s.socket().getLocalPort()).toArray();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private void run() {
    try {
      while (running) {
        selector.select();
        Connection c;
        while ((c = due.poll()) != null) {
          c.respond();
        }
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            accept((ServerSocketChannel) key.channel());
          } else {
            Connection conn = (Connection) key.attachment();
            if (key.isWritable()) {
              conn.flush();
            }
            if (key.isValid() && key.isReadable()) {
              conn.read();
            }
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException | RuntimeException e) {
      if (running) {
        e.printStackTrace();
      }
    }
  }

  private void accept(ServerSocketChannel server) throws IOException {
    SocketChannel ch;
    while ((ch = server.accept()) != null) {
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Connection conn = new Connection(ch);
      conn.key = ch.register(selector, SelectionKey.OP_READ, conn);
    }
  }

  /** One client connection: its unparsed input and unsent output. Selector thread only. */
  private final class Connection {
    final SocketChannel channel;
    SelectionKey key;
    final ByteBuffer in = ByteBuffer.allocate(MAX_HEADER);
    ByteBuffer out = ByteBuffer.allocate(0);
    /** Responses owed (waiting for their delay or for earlier ones), in request order. */
    int owed;
    long bodyToSkip;
    boolean closeAfter;
    boolean closed;

    Connection(SocketChannel channel) {
      this.channel = channel;
    }

    void read() {
      try {
        int n = channel.read(in);
        if (n < 0) {
          close();
          return;
        }
        parse();
      } catch (IOException e) {
        close();
      }
    }

    /** Consumes every complete request in the buffer. */
    private void parse() {
      in.flip();
      while (true) {
        if (bodyToSkip > 0) {
          int skip = (int) Math.min(bodyToSkip, in.remaining());
          in.position(in.position() + skip);
          bodyToSkip -= skip;
          if (bodyToSkip > 0) {
            break;
          }
        }
        int end = headerEnd(in);
        if (end < 0) {
          break;
        }
        byte[] head = new byte[end - in.position()];
        in.get(head);
        in.position(end + 4);
        request(new String(head, StandardCharsets.ISO_8859_1));
      }
      in.compact();
      if (!in.hasRemaining()) {
        close(); // a header larger than we accept
      }
    }

    private void request(String head) {
      long delayMs = 0;
      int lineEnd = head.indexOf("\r\n");
      String line = lineEnd < 0 ? head : head.substring(0, lineEnd);
      int q = line.indexOf("delay_ms=");
      if (q >= 0) {
        int s = q + "delay_ms=".length();
        int e = s;
        while (e < line.length() && Character.isDigit(line.charAt(e))) {
          e++;
        }
        delayMs = e > s ? Long.parseLong(line.substring(s, e)) : 0;
      }
      String lower = head.toLowerCase(java.util.Locale.ROOT);
      int cl = lower.indexOf("\r\ncontent-length:");
      if (cl >= 0) {
        int s = cl + "\r\ncontent-length:".length();
        int e = lower.indexOf("\r\n", s);
        bodyToSkip = Long.parseLong(lower.substring(s, e < 0 ? lower.length() : e).trim());
      }
      if (lower.contains("\r\nconnection: close") || line.endsWith("HTTP/1.0")) {
        closeAfter = true;
      }
      owed++;
      if (delayMs == 0) {
        respond();
      } else {
        timer.schedule(() -> {
          due.add(this);
          selector.wakeup();
        }, delayMs, TimeUnit.MILLISECONDS);
      }
    }

    /** Sends one owed response. */
    void respond() {
      if (closed || owed == 0) {
        return;
      }
      owed--;
      byte[] r = closeAfter && owed == 0 ? RESPONSE_CLOSE : RESPONSE;
      if (out.hasRemaining()) {
        ByteBuffer grown = ByteBuffer.allocate(out.remaining() + r.length);
        grown.put(out).put(r).flip();
        out = grown;
      } else {
        out = ByteBuffer.wrap(r);
      }
      flush();
    }

    void flush() {
      try {
        channel.write(out);
        if (out.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } else {
          key.interestOps(SelectionKey.OP_READ);
          if (closeAfter && owed == 0) {
            close();
          }
        }
      } catch (IOException e) {
        close();
      }
    }

    void close() {
      closed = true;
      key.cancel();
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** The offset of {@code \r\n\r\n} at or after the buffer's position, or -1. */
  private static int headerEnd(ByteBuffer b) {
    for (int i = b.position(); i + 3 < b.limit(); i++) {
      if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    running = false;
    timer.shutdownNow();
    selector.wakeup();
    try {
      loop.join(1000);
      for (ServerSocketChannel s : listeners) {
        s.close();
      }
      selector.close();
    } catch (IOException e) {
      // closing anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code FixedLatencyBackend port...}: serves until stdin closes or the process is killed. */
  public static void main(String[] args) throws IOException {
    int[] ports = new int[args.length == 0 ? 1 : args.length];
    for (int i = 0; i < args.length; i++) {
      ports[i] = Integer.parseInt(args[i]);
    }
    try (FixedLatencyBackend backend = new FixedLatencyBackend(ports)) {
      StringBuilder ready = new StringBuilder("READY");
      for (int p : backend.ports()) {
        ready.append(' ').append(p);
      }
      System.out.println(ready);
      System.out.flush();
      // The harness holds our stdin; when it exits (even killed), stdin ends and so do we.
      while (System.in.read() >= 0) {
        // ignore input
      }
    }
  }
}
