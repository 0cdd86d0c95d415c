package dev.mesh4j.core.metrics;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.http.ResponseInfo;
import org.jspecify.annotations.Nullable;

/**
 * What a server saw of one request it answered, as far as Istio's metric labels need it (the
 * {@code reporter="destination"} side, {@link IstioMetricLabels#ofInbound}). A web framework's
 * filter fills it in when the response is complete.
 *
 * @param authority the request's {@code Host} (or {@code :authority}), port included or not, or
 *     null when it had none
 * @param grpc whether it was a gRPC request ({@code content-type: application/grpc…})
 * @param status the response status sent
 * @param grpcStatus the {@code grpc-status} of a gRPC response (trailer or header), or null
 * @param responseFlags Envoy's response flags for the request, or empty for none
 * @param peerPrincipal the SPIFFE ID of the client's verified certificate, or null when the
 *     request did not come over mutual TLS with one
 * @param localPrincipal the SPIFFE ID of the certificate the server presented, or null when it
 *     presented none (plain text, or a certificate without one)
 * @param peerMetadata the request's {@code x-envoy-peer-metadata} header (a sidecar'd caller's
 *     workload metadata, Istio's peer metadata exchange), or null when it had none
 */
public record InboundRequest(
    @Nullable String authority,
    boolean grpc,
    int status,
    @Nullable String grpcStatus,
    String responseFlags,
    @Nullable String peerPrincipal,
    @Nullable String localPrincipal,
    @Nullable String peerMetadata) {

  /** The header in which a sidecar'd caller sends its workload's metadata ({@link #peerMetadata}). */
  public static final String PEER_METADATA_HEADER = ResponseInfo.PEER_METADATA_HEADER;

  public InboundRequest {
    requireNonNull(responseFlags, "responseFlags");
  }

  /** A request without peer metadata. */
  public InboundRequest(@Nullable String authority, boolean grpc, int status, @Nullable String grpcStatus,
      String responseFlags, @Nullable String peerPrincipal, @Nullable String localPrincipal) {
    this(authority, grpc, status, grpcStatus, responseFlags, peerPrincipal, localPrincipal, null);
  }
}
