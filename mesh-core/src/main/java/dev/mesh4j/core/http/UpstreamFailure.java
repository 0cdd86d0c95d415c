package dev.mesh4j.core.http;

/**
 * How an attempt failed before response headers arrived, as the transport classifies its
 * exception. The engine answers each with Envoy's local reply.
 */
public enum UpstreamFailure {
  /** Connection refused or unreachable: 503 {@code UF}, "remote connection failure". */
  CONNECT_FAILURE,
  /** The connect timeout fired: 503 {@code UF}, "connection timeout". */
  CONNECT_TIMEOUT,
  /** The connection closed before response headers: 503 {@code UC}, "connection termination". */
  CONNECTION_TERMINATION,
  /** The upstream reset the stream before response headers: 503 {@code UR}, "remote reset". */
  REMOTE_RESET,
  /**
   * The attempt's time budget ({@link UpstreamRequest#timeout()}) ran out before response
   * headers: a per-try timeout (retried as a local reset) or the route timeout (504 {@code UT}).
   */
  TIMEOUT,
  /** The upstream spoke something that is not HTTP: 502 {@code UPE}. */
  PROTOCOL_ERROR,
  /**
   * Not a failure of the upstream: the application cancelled the call, one of its own client
   * timeouts fired, or (passthrough) its own name resolution failed. The exception goes back to
   * the application unchanged.
   */
  RETHROW
}
