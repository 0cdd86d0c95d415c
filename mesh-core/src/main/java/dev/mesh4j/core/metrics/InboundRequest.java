package dev.mesh4j.core.metrics;

import static java.util.Objects.requireNonNull;

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
 */
public record InboundRequest(
    @Nullable String authority,
    boolean grpc,
    int status,
    @Nullable String grpcStatus,
    String responseFlags,
    @Nullable String peerPrincipal,
    @Nullable String localPrincipal) {

  public InboundRequest {
    requireNonNull(responseFlags, "responseFlags");
  }
}
