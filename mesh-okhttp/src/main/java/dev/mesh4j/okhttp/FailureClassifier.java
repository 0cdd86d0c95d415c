package dev.mesh4j.okhttp;

import dev.mesh4j.core.http.UpstreamFailure;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.UnknownServiceException;
import javax.net.ssl.SSLException;

/**
 * How an OkHttp attempt failed, by the type of what it threw (and of its causes) and by how far
 * the attempt got — never by message text or class-name strings:
 *
 * <table>
 *   <caption>failures and what the engine makes of them (Envoy's response flag)</caption>
 *   <tr><th>failure</th><th>before the connection was made</th><th>after: request sent, awaiting headers</th></tr>
 *   <tr><td>refused, unreachable ({@link ConnectException}, …)</td><td>connect failure ({@code UF})</td><td>—</td></tr>
 *   <tr><td>socket timeout</td><td>connect timeout ({@code UF}); a timeout ({@code UT}) when the attempt's budget set it</td>
 *       <td>a timeout ({@code UT}) when the budget set it; else the client's own read timeout, rethrown</td></tr>
 *   <tr><td>TLS ({@link SSLException})</td><td>handshake failure: connect failure ({@code UF})</td><td>connection termination ({@code UC})</td></tr>
 *   <tr><td>EOF, socket reset ({@link EOFException}, {@link SocketException})</td><td>connect failure ({@code UF})</td><td>connection termination ({@code UC})</td></tr>
 *   <tr><td>{@link ProtocolException}</td><td>protocol error ({@code UPE})</td><td>protocol error ({@code UPE})</td></tr>
 *   <tr><td>anything else on an HTTP/2 connection</td><td>connect failure</td><td>the stream was reset or refused ({@code UR})</td></tr>
 *   <tr><td>cancellation, interruption, the application's own call timeout, an unknown host, a
 *       connection the mesh refused, a cleartext-only client asked for https</td><td colspan="2">the
 *       application's: rethrown</td></tr>
 * </table>
 *
 * Stateless.
 */
final class FailureClassifier {
  private FailureClassifier() {}

  /** How far an attempt got before it failed. */
  enum Phase {
    /** No connection yet: resolving, connecting, the TLS handshake. */
    CONNECTING,
    /** On a connection: the request written or being written, headers awaited. */
    SENT
  }

  /**
   * @param cancelled whether the application cancelled the call
   * @param http2 whether the connection the attempt went on speaks HTTP/2
   * @param connectByBudget whether the attempt's budget, not the client's setting, set the connect timeout
   * @param readByBudget whether the attempt's budget set the read timeout
   */
  static UpstreamFailure classify(IOException e, Phase phase, boolean http2, boolean cancelled,
      boolean connectByBudget, boolean readByBudget) {
    if (cancelled) {
      return UpstreamFailure.RETHROW;
    }
    if (e instanceof Attempt.AttemptTimeoutException) {
      return UpstreamFailure.TIMEOUT;
    }
    if (e instanceof UnknownHostException || e instanceof EgressRefusedException
        || e instanceof UnknownServiceException) {
      // Nothing was sent: a name that does not resolve, a connection the mesh refused, or a
      // request the client cannot send with the TLS it asked for.
      return UpstreamFailure.RETHROW;
    }
    if (e instanceof SocketTimeoutException) {
      if (phase == Phase.CONNECTING) {
        return connectByBudget ? UpstreamFailure.TIMEOUT : UpstreamFailure.CONNECT_TIMEOUT;
      }
      return readByBudget ? UpstreamFailure.TIMEOUT : UpstreamFailure.RETHROW;
    }
    if (e instanceof InterruptedIOException) {
      return UpstreamFailure.RETHROW;  // the call's own timeout, or an interrupt
    }
    if (phase == Phase.CONNECTING) {
      return has(e, ProtocolException.class) ? UpstreamFailure.PROTOCOL_ERROR : UpstreamFailure.CONNECT_FAILURE;
    }
    if (has(e, ProtocolException.class)) {
      return UpstreamFailure.PROTOCOL_ERROR;
    }
    if (has(e, EOFException.class) || has(e, SocketException.class) || has(e, SSLException.class)
        || e instanceof NoRouteToHostException || e instanceof PortUnreachableException) {
      return UpstreamFailure.CONNECTION_TERMINATION;
    }
    // On HTTP/2 the rest are stream-level: the peer reset or refused the stream (RST_STREAM,
    // GOAWAY). On HTTP/1.1 the connection is the stream.
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
