/**
 * Clusters: a service's endpoints for one (host, subset, port), the traffic policy merged for
 * them from DestinationRules, and their load balancer.
 *
 * <p>Internal: not part of mesh4j's API and may change at any time.
 */
@NullMarked
package dev.mesh4j.core.internal.cluster;

import org.jspecify.annotations.NullMarked;
