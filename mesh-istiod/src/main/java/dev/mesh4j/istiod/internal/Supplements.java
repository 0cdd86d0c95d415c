package dev.mesh4j.istiod.internal;

import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.PortTrafficPolicy;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.TrafficPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The policy a DestinationRule gives one cluster, merged as Istio merges it
 * ({@code util.MergeSubsetTrafficPolicy}): the subset's port-level settings over the subset's
 * policy over the top-level port-level settings over the top-level policy, each of load
 * balancer, connection pool, outlier detection and TLS taken whole from the most specific level
 * that sets it.
 */
final class Supplements {
  private Supplements() {}

  static TrafficPolicy effective(DestinationRule dr, @Nullable String subset, int port) {
    TrafficPolicy top = dr.trafficPolicy() == null ? TrafficPolicy.EMPTY : dr.trafficPolicy();
    TrafficPolicy merged = overlay(top, portLevel(top, port));
    if (subset != null) {
      for (Subset s : dr.subsets()) {
        if (s.name().equals(subset) && s.trafficPolicy() != null) {
          merged = overlay(merged, s.trafficPolicy());
          merged = overlay(merged, portLevel(s.trafficPolicy(), port));
        }
      }
    }
    return merged;
  }

  private static @Nullable TrafficPolicy portLevel(TrafficPolicy p, int port) {
    for (PortTrafficPolicy pl : p.portLevelSettings()) {
      if (pl.port() == port) {
        return new TrafficPolicy(pl.loadBalancer(), pl.connectionPool(), pl.outlierDetection(), pl.tls(),
            java.util.List.of(), null);
      }
    }
    return null;
  }

  private static TrafficPolicy overlay(TrafficPolicy base, @Nullable TrafficPolicy over) {
    if (over == null) {
      return base;
    }
    return new TrafficPolicy(
        over.loadBalancer() != null ? over.loadBalancer() : base.loadBalancer(),
        over.connectionPool() != null ? over.connectionPool() : base.connectionPool(),
        over.outlierDetection() != null ? over.outlierDetection() : base.outlierDetection(),
        over.tls() != null ? over.tls() : base.tls(),
        java.util.List.of(),
        over.retryBudget() != null ? over.retryBudget() : base.retryBudget());
  }
}
