package dev.mesh4j.api.config;

import org.jspecify.annotations.Nullable;

/**
 * Traffic policy for one service port ({@code TrafficPolicy.PortTrafficPolicy}).
 *
 * @param port the service port number
 * @param loadBalancer how endpoints are picked
 * @param connectionPool connection and request limits
 * @param outlierDetection ejection of failing endpoints
 * @param tls TLS origination
 */
public record PortTrafficPolicy(
    int port,
    @Nullable LoadBalancerSettings loadBalancer,
    @Nullable ConnectionPoolSettings connectionPool,
    @Nullable OutlierDetection outlierDetection,
    @Nullable ClientTlsSettings tls) {}
