package dev.mesh4j.core.observe;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Where routing sent a request. Immutable.
 *
 * @param outcome the kind of decision
 * @param authority the authority the request addressed ({@code reviews:9080})
 * @param port the port the request addressed
 * @param service the canonical host of the service the request addressed
 *     ({@code reviews.default.svc.cluster.local}), or null for a host that is not a service
 * @param serviceNamespace that service's namespace, or null
 * @param virtualService the VirtualService that routed it ({@code namespace/name}), or null
 * @param routeName the route's {@code name}, else its position ({@code http[1]}), or
 *     {@code default} for a service's default route; null when no route matched
 * @param destinationService the canonical host of the destination picked, or null before
 *     {@link MeshListener#destinationPicked} (or when none was)
 * @param destinationNamespace the namespace of that service, or null
 * @param subset the destination subset, or null
 * @param cluster Envoy's name of the cluster ({@code outbound|9080|v2|reviews.default.svc.cluster.local}),
 *     or null when the destination has no cluster ({@code NC}) or none was picked
 */
public record RouteDecision(
    Outcome outcome,
    String authority,
    int port,
    @Nullable String service,
    @Nullable String serviceNamespace,
    @Nullable String virtualService,
    @Nullable String routeName,
    @Nullable String destinationService,
    @Nullable String destinationNamespace,
    @Nullable String subset,
    @Nullable String cluster) {

  public RouteDecision {
    requireNonNull(outcome, "outcome");
    requireNonNull(authority, "authority");
  }

  /** The kinds of routing decisions. */
  public enum Outcome {
    /** A route matched (of a VirtualService, or the service's default route). */
    ROUTE,
    /** A VirtualService claims the host but no route matched: 404 {@code NR}. */
    NO_ROUTE,
    /** Sent to the address the application named: a host that is not a service under {@code ALLOW_ANY}. */
    PASSTHROUGH,
    /** A host that is not a service under {@code REGISTRY_ONLY}: 502, nothing sent. */
    BLACKHOLE
  }

  /** This decision with its destination picked. */
  public RouteDecision withDestination(String destinationService, @Nullable String destinationNamespace,
      @Nullable String subset, @Nullable String cluster) {
    return new RouteDecision(outcome, authority, port, service, serviceNamespace, virtualService, routeName,
        requireNonNull(destinationService, "destinationService"), destinationNamespace, subset, cluster);
  }
}
