package dev.mesh4j.core.internal.snapshot;

import dev.mesh4j.core.internal.discovery.Service;
import dev.mesh4j.core.internal.routing.CompiledRoute;
import dev.mesh4j.core.internal.routing.CompiledVirtualService;
import org.jspecify.annotations.Nullable;

/**
 * What a request host resolves to in one snapshot, cached per host string: the service, the
 * VirtualService that claims it, and its default route.
 *
 * @param service the service the host names, or null when unknown
 * @param virtualService the VirtualService for that service, or, when the host is not a service,
 *     for the host itself (Istio applies those on port 80 only)
 * @param defaultRoute the service's route when no VirtualService applies, or null
 * @param connectionDefaultRoute the route of a connection to a non-HTTP port of the service when
 *     no {@code tls} or {@code tcp} route applies, or null
 */
public record HostEntry(
    @Nullable Service service,
    @Nullable CompiledVirtualService virtualService,
    @Nullable CompiledRoute defaultRoute,
    @Nullable CompiledRoute connectionDefaultRoute) {}
