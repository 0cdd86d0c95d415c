package dev.mesh4j.jdkhttp;

import dev.mesh4j.core.http.UpstreamFailure;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;

/**
 * How a JDK {@code HttpClient} attempt failed, by the type of what it threw (and of its causes) —
 * never by message text or class-name strings.
 *
 * <p>The JDK client offers no hook between connecting and sending a request, but its exceptions
 * carry the phase: connecting fails with a {@link ConnectException} (refused, unreachable, a name
 * that does not resolve), an {@link HttpConnectTimeoutException}, or an {@link SSLException}
 * (an {@link javax.net.ssl.SSLHandshakeException} for a certificate it does not trust, the engine's own
 * {@code SSLException} for a peer that does not speak TLS); anything else happened on a
 * connection, with the request written or being written. A TLS error after a completed handshake
 * (a corrupted record) cannot be told apart and counts as a connect failure too; it is rare.
 *
 * <p>An idempotent request whose fresh connection closes or resets before any response byte is
 * sent once more by the JDK itself, on a new connection to the same address, before the failure
 * reaches here ({@code MultiExchange}); nothing switches that off.
 *
 * <table>
 *   <caption>failures and what the engine makes of them (Envoy's response flag)</caption>
 *   <tr><th>failure</th><th>the engine's answer</th></tr>
 *   <tr><td>{@link ConnectException}, {@link NoRouteToHostException}, {@link PortUnreachableException},
 *       {@link SSLException} (the handshake)</td><td>connect failure ({@code UF})</td></tr>
 *   <tr><td>{@link HttpConnectTimeoutException}</td><td>connect timeout ({@code UF}); a timeout ({@code UT})
 *       when the attempt's budget set the limit; the application's own timeout, rethrown, when its
 *       {@code HttpRequest.timeout} did</td></tr>
 *   <tr><td>{@link HttpTimeoutException}</td><td>a timeout ({@code UT}) when the attempt's budget set the
 *       limit; else the application's own, rethrown</td></tr>
 *   <tr><td>{@link ProtocolException}</td><td>protocol error ({@code UPE})</td></tr>
 *   <tr><td>EOF, socket reset ({@link EOFException}, {@link SocketException})</td><td>connection
 *       termination ({@code UC})</td></tr>
 *   <tr><td>any other {@link IOException}: on HTTP/2 the JDK reports a stream reset
 *       ({@code RST_STREAM}) or a {@code GOAWAY} as a plain one</td><td>remote reset ({@code UR}) on
 *       HTTP/2; connection termination ({@code UC}) on HTTP/1.1</td></tr>
 *   <tr><td>cancellation, interruption, a name the application itself could not resolve</td><td>the
 *       application's: rethrown</td></tr>
 * </table>
 *
 * Stateless.
 */
final class FailureClassifier {
  private FailureClassifier() {}

  /** What set a time limit of an attempt. */
  enum Limit {
    /** The transport's own setting (the cluster's connect timeout), or no limit at all. */
    CLUSTER,
    /** The attempt's time budget (per-try timeout, what is left of the route timeout). */
    BUDGET,
    /** The application's own {@code HttpRequest.timeout}. */
    APPLICATION
  }

  /**
   * @param http2 whether the attempt was sent over HTTP/2
   * @param cancelled whether the application cancelled the request
   * @param connectLimit what set the limit on connecting (the earlier of the connect timeout and
   *     the attempt's timeout)
   * @param requestLimit what set the limit until response headers
   */
  static UpstreamFailure classify(IOException e, boolean http2, boolean cancelled, Limit connectLimit,
      Limit requestLimit) {
    if (cancelled) {
      return UpstreamFailure.RETHROW;
    }
    if (e instanceof Deadlines.AttemptTimeoutException) {
      return requestLimit == Limit.APPLICATION ? UpstreamFailure.RETHROW : UpstreamFailure.TIMEOUT;
    }
    if (has(e, UnresolvedAddressException.class) || has(e, UnknownHostException.class)) {
      // Nothing was sent: a name the application itself resolves (passthrough) does not resolve.
      return UpstreamFailure.RETHROW;
    }
    if (e instanceof HttpConnectTimeoutException) {
      return switch (connectLimit) {
        case CLUSTER -> UpstreamFailure.CONNECT_TIMEOUT;
        case BUDGET -> UpstreamFailure.TIMEOUT;
        case APPLICATION -> UpstreamFailure.RETHROW;
      };
    }
    if (e instanceof HttpTimeoutException) {
      return requestLimit == Limit.BUDGET ? UpstreamFailure.TIMEOUT : UpstreamFailure.RETHROW;
    }
    if (e instanceof InterruptedIOException) {
      return UpstreamFailure.RETHROW;  // an interrupt or a cancellation
    }
    if (has(e, ConnectException.class) || has(e, NoRouteToHostException.class)
        || has(e, PortUnreachableException.class) || has(e, SSLException.class)) {
      return UpstreamFailure.CONNECT_FAILURE;
    }
    if (has(e, ProtocolException.class)) {
      return UpstreamFailure.PROTOCOL_ERROR;
    }
    if (has(e, EOFException.class) || has(e, SocketException.class)) {
      return UpstreamFailure.CONNECTION_TERMINATION;
    }
    return http2 ? UpstreamFailure.REMOTE_RESET : UpstreamFailure.CONNECTION_TERMINATION;
  }

  /** Whether the failure or one of its causes is of the type. */
  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
