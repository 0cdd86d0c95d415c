package dev.mesh4j.core.observe;

import dev.mesh4j.core.http.MeshRequest;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One application request as the mesh handles it: what it was, how it was routed, how it
 * ended. A live view passed to {@link MeshListener} events; values marked "after
 * {@code requestEnded}" are final only then.
 */
public interface MeshCall {

  /**
   * The request as routed and sent: the application's request with the propagated context
   * (request id, user headers, baggage) merged in, the application's own headers winning.
   */
  MeshRequest request();

  /** The {@code x-request-id} sent on every attempt (kept from the request or context, or new). */
  String requestId();

  /** The trace id (32 lowercase hex digits) of this request's span. */
  String traceId();

  /** The span id (16 lowercase hex digits) of this request's span; attempts are its children. */
  String spanId();

  /** Whether the trace is sampled. */
  boolean sampled();

  /** When the request started, on the mesh's ticker (nanoseconds). */
  long startNanos();

  /** When the request started, on the mesh's clock. */
  Instant startTime();

  /** How routing decided, or null before {@link MeshListener#routed}. */
  @Nullable RouteDecision route();

  /** How many attempts were sent so far. */
  int attempts();

  /** The latest attempt, or null when none was sent (yet). */
  @Nullable MeshAttempt lastAttempt();

  /**
   * The status the application got (after {@code requestEnded}); 0 when it got none (the
   * request failed with an exception).
   */
  int status();

  /**
   * Envoy response flags ({@code UH}, {@code UF}, {@code NR}, {@code DI}, {@code DC}, …,
   * comma-separated), empty when none (after {@code requestEnded}).
   */
  String responseFlags();

  /** The gRPC status of a gRPC response when known from its headers, else null. */
  @Nullable String grpcStatus();

  /** Whether this is a gRPC request ({@code content-type: application/grpc…}). */
  boolean isGrpc();

  /** The request body size in bytes (0 without a body), or -1 when unknown. */
  long requestBytes();

  /** The response body bytes the application read (after {@code requestEnded}), or -1. */
  long responseBytes();

  /** The response protocol ({@code HTTP/1.1}, {@code HTTP/2}), or null when unknown. */
  @Nullable String protocol();

  /**
   * The SPIFFE ID the upstream presented, when the response came over mutual TLS mesh4j
   * originated ({@code ISTIO_MUTUAL}, auto mTLS); else null.
   */
  default @Nullable String peerPrincipal() {
    return null;
  }

  /** The SPIFFE ID mesh4j presented on that connection; else null. */
  default @Nullable String localPrincipal() {
    return null;
  }

  /**
   * The {@code x-envoy-peer-metadata} the upstream answered with — a sidecar'd server's workload
   * metadata, Istio's peer metadata exchange — as received; else null. The application's response
   * never has the header.
   */
  default @Nullable String peerMetadata() {
    return null;
  }

  /** From start to end, in nanoseconds (after {@code requestEnded}), else -1. */
  long durationNanos();

  /** The exception the request failed with, or null. */
  @Nullable Throwable failure();
}
