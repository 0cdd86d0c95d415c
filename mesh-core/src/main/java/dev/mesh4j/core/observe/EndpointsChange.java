package dev.mesh4j.core.observe;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * The endpoints of a service changed — a pod came or went, a registry update — and the service's
 * clusters now balance over the new set. Immutable.
 *
 * @param source the source that delivered the change ({@code registry}, {@code kubernetes}, …)
 * @param service the service's canonical host ({@code reviews.default.svc.cluster.local})
 * @param endpoints how many endpoints the service has now, over all its ports
 * @param version the configuration version in force afterwards
 * @param time when it happened (the mesh's clock)
 */
public record EndpointsChange(String source, String service, int endpoints, long version, Instant time) {

  public EndpointsChange {
    requireNonNull(source, "source");
    requireNonNull(service, "service");
    requireNonNull(time, "time");
  }
}
