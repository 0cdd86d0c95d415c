package dev.mesh4j.okhttp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Connection;
import okhttp3.Protocol;
import okio.AsyncTimeout;
import org.jspecify.annotations.Nullable;

/**
 * One attempt on the wire, as the request's tag: what the network interceptor needs to know of it
 * (whether it goes to an endpoint the mesh picked, the cluster's requests-per-connection limit),
 * and its wall-clock deadline until response headers.
 *
 * <p>OkHttp's connect, read and write timeouts bound one operation each, so a peer that sends a
 * byte now and then keeps an attempt alive for ever. The deadline is a watchdog on okio's
 * timeout thread, entered when the attempt starts: when it fires before response headers, it
 * aborts the attempt where it stands — it closes the sockets opened for the attempt while still
 * connecting, or the HTTP/1.1 connection carrying it (a reset, as Envoy resets the upstream
 * request). An HTTP/2 connection is shared by other calls and is never closed here: an HTTP/2
 * peer cannot trickle headers (they arrive in one block), so the stream's own read timeout, set
 * to the attempt's budget, bounds the wait, and the transport treats headers that arrive past the
 * deadline as a timeout. The call itself is not cancelled, so the mesh still answers (504
 * {@code UT}, or a retry under a per-try timeout).
 *
 * <p>Thread-safe: the watchdog thread and OkHttp's connecting threads reach it together.
 */
final class Attempt extends AsyncTimeout {
  /** Whether the attempt goes to an endpoint the mesh picked (not passthrough). */
  final boolean toEndpoint;
  /** The cluster's {@code maxRequestsPerConnection}, or 0 for no limit. */
  final int maxRequestsPerConnection;
  private @Nullable Connection connection;
  private @Nullable List<Socket> opened;
  private boolean fired;

  Attempt(boolean toEndpoint, int maxRequestsPerConnection) {
    this.toEndpoint = toEndpoint;
    this.maxRequestsPerConnection = maxRequestsPerConnection;
  }

  /** Records a socket opened for this attempt (closed if the deadline passes while connecting). */
  void opened(Socket socket) throws IOException {
    synchronized (this) {
      if (!fired) {
        if (opened == null) {
          opened = new ArrayList<>(2);
        }
        opened.add(socket);
        return;
      }
    }
    closeQuietly(socket);
    throw expired(null);
  }

  /**
   * Records the connection the attempt's request goes on (from the network interceptor, before
   * any byte of the request is written); fails if the deadline has already passed.
   */
  void connected(Connection c) throws IOException {
    synchronized (this) {
      if (!fired) {
        connection = c;
        return;
      }
    }
    throw expired(null);
  }

  /** The protocol of the connection the request went on, or null when it never got one. */
  synchronized @Nullable Protocol protocol() {
    return connection == null ? null : connection.protocol();
  }

  @Override
  protected void timedOut() {
    Connection c;
    List<Socket> sockets;
    synchronized (this) {
      fired = true;
      c = connection;
      sockets = opened;
    }
    if (c != null) {
      Protocol p = c.protocol();
      if (p == Protocol.HTTP_1_1 || p == Protocol.HTTP_1_0) {
        closeQuietly(c.socket());
      }
    } else if (sockets != null) {
      for (Socket s : sockets) {
        closeQuietly(s);
      }
    }
  }

  /** The failure of an attempt whose deadline passed; {@code cause} is how the wire saw it. */
  static AttemptTimeoutException expired(@Nullable IOException cause) {
    AttemptTimeoutException e = new AttemptTimeoutException();
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException | RuntimeException e) {
      // closing to abort: nothing more to do
    }
  }

  /** An attempt cut at its deadline (the route or per-try timeout). */
  static final class AttemptTimeoutException extends InterruptedIOException {
    AttemptTimeoutException() {
      super("mesh4j: the attempt's deadline passed (route or per-try timeout)");
    }
  }
}
