package dev.mesh4j.core.internal.resilience;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * The stateful resilience parts of one cluster, as a snapshot sees them. The two objects are
 * shared with the same cluster in other snapshots (see {@link ResilienceStates}), so requests
 * that started on an older snapshot count against the same limits and feed the same detector.
 *
 * @param limiter the {@code connectionPool} limits (unlimited when the policy sets none)
 * @param outlierDetector the {@code outlierDetection} detector, or null when the policy has none
 */
public record ClusterResilience(ConnectionLimiter limiter, @Nullable OutlierDetector outlierDetector) {
  public ClusterResilience {
    requireNonNull(limiter, "limiter");
  }
}
