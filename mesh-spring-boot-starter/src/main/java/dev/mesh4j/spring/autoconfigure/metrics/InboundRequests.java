package dev.mesh4j.spring.autoconfigure.metrics;

import dev.mesh4j.api.runtime.WorkloadIdentity;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** What the servlet and WebFlux inbound metrics filters share. */
final class InboundRequests {
  private InboundRequests() {}

  /** Whether a request with this {@code content-type} is gRPC, as Envoy decides it. */
  static boolean isGrpc(@Nullable String contentType) {
    return contentType != null && contentType.startsWith("application/grpc");
  }

  /** The SPIFFE ID of the client's certificate (the first of the chain), or null. */
  static @Nullable String peerPrincipal(Certificate @Nullable [] chain) {
    if (chain != null && chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
      return WorkloadIdentity.spiffeId(certificate);
    }
    return null;
  }

  /**
   * The SPIFFE ID the server presents: the mesh's workload identity's, when the web server
   * serves the bundle {@code mesh}; else none.
   */
  static Supplier<@Nullable String> localPrincipal(boolean servesMeshBundle,
      Supplier<@Nullable WorkloadIdentity> identity) {
    if (!servesMeshBundle) {
      return () -> null;
    }
    return () -> {
      WorkloadIdentity i = identity.get();
      return i == null ? null : i.spiffeId();
    };
  }
}
