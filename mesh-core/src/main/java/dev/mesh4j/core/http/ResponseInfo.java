package dev.mesh4j.core.http;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * What a transport can tell about a response before its body is read, for metrics, spans and
 * the access log. Immutable.
 *
 * @param status the HTTP status, or 0 when unknown
 * @param flags Envoy response flags of a local reply (the {@link LocalReply#FLAGS_HEADER} header),
 *     or empty
 * @param grpcStatus the {@code grpc-status} response header, or null (a status sent in trailers is
 *     not known before the body is read)
 * @param contentLength the declared body length, or -1 when unknown
 * @param protocol the protocol as Envoy's access log names it ({@code HTTP/1.1}, {@code HTTP/2}),
 *     or null when unknown
 * @param peerPrincipal the SPIFFE ID the upstream presented, when the response came over mutual TLS
 *     mesh4j originated with the workload identity; else null (Istio's {@code destination_principal})
 * @param localPrincipal the SPIFFE ID mesh4j presented on that connection; else null (Istio's
 *     {@code source_principal})
 */
public record ResponseInfo(int status, String flags, @Nullable String grpcStatus, long contentLength,
    @Nullable String protocol, @Nullable String peerPrincipal, @Nullable String localPrincipal) {

  /** Nothing known. */
  public static final ResponseInfo UNKNOWN = new ResponseInfo(0, "", null, -1, null);

  public ResponseInfo {
    requireNonNull(flags, "flags");
  }

  /** A response that did not come over mutual TLS with the workload identity. */
  public ResponseInfo(int status, String flags, @Nullable String grpcStatus, long contentLength,
      @Nullable String protocol) {
    this(status, flags, grpcStatus, contentLength, protocol, null, null);
  }
}
