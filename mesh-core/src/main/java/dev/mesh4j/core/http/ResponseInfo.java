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
 * @param peerPrincipal the SPIFFE ID the upstream presented, when the response came over mutual TLS
 *     mesh4j originated with the workload identity; else null (Istio's {@code destination_principal})
 * @param localPrincipal the SPIFFE ID mesh4j presented on that connection; else null (Istio's
 *     {@code source_principal})
 * @param peerMetadata the response's {@code x-envoy-peer-metadata} header as received (a sidecar'd
 *     server answers with its workload's metadata), or null when it had none; the engine removes
 *     the header from the response the application gets
 */
public record ResponseInfo(int status, @Nullable String grpcStatus, long contentLength, @Nullable String protocol,
    @Nullable String peerPrincipal, @Nullable String localPrincipal, @Nullable String peerMetadata) {

  /**
   * The header in which a sidecar'd server answers with its workload's metadata (Istio's peer
   * metadata exchange); a transport passes its value as {@link #peerMetadata}.
   */
  public static final String PEER_METADATA_HEADER = "x-envoy-peer-metadata";

  /** Nothing known. */
  public static final ResponseInfo UNKNOWN = new ResponseInfo(0, null, -1, null);

  /** A response that did not come over mutual TLS with the workload identity. */
  public ResponseInfo(int status, @Nullable String grpcStatus, long contentLength, @Nullable String protocol) {
    this(status, grpcStatus, contentLength, protocol, null, null, null);
  }

  /** A response without peer metadata. */
  public ResponseInfo(int status, @Nullable String grpcStatus, long contentLength, @Nullable String protocol,
      @Nullable String peerPrincipal, @Nullable String localPrincipal) {
    this(status, grpcStatus, contentLength, protocol, peerPrincipal, localPrincipal, null);
  }
}
