package dev.mesh4j.core.http;

import org.jspecify.annotations.Nullable;

/**
 * What the engine reads of a response before its body: its status and {@code grpc-status}
 * (retry decisions, outlier detection), and for metrics, spans and the access log its declared
 * length and protocol. Response flags are the engine's own, never read from a response.
 * Immutable.
 *
 * @param status the HTTP status, or 0 when unknown
 * @param grpcStatus the {@code grpc-status} response header, or null (a status sent in trailers is
 *     not known before the body is read)
 * @param contentLength the declared body length, or -1 when unknown
 * @param protocol the protocol as Envoy's access log names it ({@code HTTP/1.1}, {@code HTTP/2}),
 *     or null when unknown
 */
public record ResponseInfo(int status, @Nullable String grpcStatus, long contentLength, @Nullable String protocol) {

  /** Nothing known. */
  public static final ResponseInfo UNKNOWN = new ResponseInfo(0, null, -1, null);
}
