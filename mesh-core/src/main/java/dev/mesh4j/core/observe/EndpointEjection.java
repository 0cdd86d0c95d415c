package dev.mesh4j.core.observe;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.endpoint.Endpoint;
import java.time.Duration;
import java.time.Instant;

/**
 * Outlier detection took an endpoint out of its cluster's load balancing, or let it back in —
 * circuit breaking at work, as Envoy's outlier detector does it. Immutable.
 *
 * @param cluster the cluster, as Envoy names it ({@code outbound|9080|v2|reviews.default.svc.cluster.local})
 * @param endpoint the endpoint
 * @param reason why: {@code consecutive 5xx}, {@code consecutive gateway errors},
 *     {@code consecutive local-origin failures} when ejected; {@code ejection time elapsed},
 *     {@code outlier detection removed} when returned
 * @param ejections how often this endpoint has been ejected so far (Envoy's multiplier grows
 *     the ejection time with it)
 * @param duration when ejected, how long it stays out at least; when returned, how long it was out
 * @param time when it happened (the mesh's clock)
 */
public record EndpointEjection(String cluster, Endpoint endpoint, String reason, int ejections, Duration duration,
    Instant time) {

  public EndpointEjection {
    requireNonNull(cluster, "cluster");
    requireNonNull(endpoint, "endpoint");
    requireNonNull(reason, "reason");
    requireNonNull(duration, "duration");
    requireNonNull(time, "time");
  }
}
