package dev.mesh4j.core.internal.engine;

import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.discovery.Service;
import dev.mesh4j.core.internal.routing.CompiledMatch;
import dev.mesh4j.core.internal.routing.CompiledRoute;
import dev.mesh4j.core.internal.routing.CompiledVirtualService;
import dev.mesh4j.core.internal.snapshot.HostEntry;
import dev.mesh4j.core.observe.RouteDecision;
import org.jspecify.annotations.Nullable;

/**
 * Where routing sent a request.
 *
 * @param outcome the kind of decision
 * @param match the match that hit ({@link Outcome#ROUTE} only)
 * @param virtualService the VirtualService consulted, if any
 * @param host what the request host resolved to
 * @param port the service port the request addressed
 */
record RouteResult(Outcome outcome, @Nullable CompiledMatch match,
    @Nullable CompiledVirtualService virtualService, HostEntry host, int port) {

  /** This result as telemetry and listeners see it. */
  RouteDecision decision(MeshRequest request) {
    Service service = host.service();
    CompiledRoute route = match == null ? null : match.route();
    return new RouteDecision(RouteDecision.Outcome.valueOf(outcome.name()), request.authority(), port,
        service == null ? null : service.hostname(), service == null ? null : service.namespace(),
        virtualService == null ? null : virtualService.config().metadata().qualifiedName(),
        route == null ? null : route.name() != null ? route.name() : route.label(), null, null, null, null);
  }

  enum Outcome {
    /** A route (of a VirtualService or the service's default route) matched. */
    ROUTE,
    /** A VirtualService claims the host but none of its routes matched: 404 NR. */
    NO_ROUTE,
    /**
     * Send to the address the application named (unknown host under ALLOW_ANY; a TLS connection
     * the VirtualService's {@code tls} routes do not take; plain {@code http} to a TLS port).
     */
    PASSTHROUGH,
    /** Unknown host under REGISTRY_ONLY: 502, nothing sent. */
    BLACKHOLE
  }
}
