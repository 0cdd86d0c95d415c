package dev.mesh4j.api.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Connection and request limits ({@code ConnectionPoolSettings}). Unset limits are Istio's
 * defaults (2^32−1, i.e. unlimited).
 *
 * @param tcp TCP-level settings, or null
 * @param http HTTP-level settings, or null
 */
public record ConnectionPoolSettings(@Nullable Tcp tcp, @Nullable Http http) {

  /**
   * TCP settings.
   *
   * @param maxConnections the most connections to all endpoints of the cluster
   * @param connectTimeout the TCP connect timeout (Istio default 10s)
   * @param tcpKeepalivePresent whether {@code tcpKeepalive} was given
   * @param maxConnectionDuration the most time a connection may live
   * @param idleTimeout how long an idle connection is kept
   */
  public record Tcp(
      @Nullable Integer maxConnections,
      @Nullable Duration connectTimeout,
      boolean tcpKeepalivePresent,
      @Nullable Duration maxConnectionDuration,
      @Nullable Duration idleTimeout) {}

  /**
   * HTTP settings.
   *
   * @param http1MaxPendingRequests requests that may wait for a connection
   * @param http2MaxRequests the most requests in flight to the cluster
   * @param maxRequestsPerConnection requests per connection before it is closed (0 = unlimited)
   * @param maxRetries the most retries in flight to the cluster
   * @param idleTimeout how long an idle connection is kept
   * @param h2UpgradePolicy whether HTTP/1.1 connections are upgraded to HTTP/2
   * @param useClientProtocol whether the application's protocol is kept
   * @param maxConcurrentStreams the most concurrent streams per HTTP/2 connection
   */
  public record Http(
      @Nullable Integer http1MaxPendingRequests,
      @Nullable Integer http2MaxRequests,
      @Nullable Integer maxRequestsPerConnection,
      @Nullable Integer maxRetries,
      @Nullable Duration idleTimeout,
      @Nullable String h2UpgradePolicy,
      @Nullable Boolean useClientProtocol,
      @Nullable Integer maxConcurrentStreams) {}
}
