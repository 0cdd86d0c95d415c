package dev.mesh4j.api.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The policies applied to traffic for a destination ({@code TrafficPolicy}). Each part is taken
 * whole from the most specific level that sets it: subset port-level, subset, rule port-level,
 * rule.
 *
 * @param loadBalancer how endpoints are picked
 * @param connectionPool connection and request limits
 * @param outlierDetection ejection of failing endpoints
 * @param tls TLS origination
 * @param portLevelSettings overrides per service port
 */
public record TrafficPolicy(
    @Nullable LoadBalancerSettings loadBalancer,
    @Nullable ConnectionPoolSettings connectionPool,
    @Nullable OutlierDetection outlierDetection,
    @Nullable ClientTlsSettings tls,
    List<PortTrafficPolicy> portLevelSettings) {

  /** A policy that sets nothing. */
  public static final TrafficPolicy EMPTY = new TrafficPolicy(null, null, null, null, List.of());

  public TrafficPolicy {
    portLevelSettings = Copies.list(portLevelSettings);
  }

  /** The port-level settings for a port, or null. */
  public @Nullable PortTrafficPolicy forPort(int port) {
    for (PortTrafficPolicy p : portLevelSettings) {
      if (p.port() == port) {
        return p;
      }
    }
    return null;
  }
}
