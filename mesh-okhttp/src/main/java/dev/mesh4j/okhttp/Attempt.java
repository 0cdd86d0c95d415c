package dev.mesh4j.okhttp;

/**
 * One attempt on the wire, as the request's tag: what the network interceptor needs to know of
 * it. Immutable.
 */
final class Attempt {
  /** Whether the attempt goes to an endpoint the mesh picked (not passthrough). */
  final boolean toEndpoint;
  /** The cluster's {@code maxRequestsPerConnection}, or 0 for no limit. */
  final int maxRequestsPerConnection;

  Attempt(boolean toEndpoint, int maxRequestsPerConnection) {
    this.toEndpoint = toEndpoint;
    this.maxRequestsPerConnection = maxRequestsPerConnection;
  }
}
