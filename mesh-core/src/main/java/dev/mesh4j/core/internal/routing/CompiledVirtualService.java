package dev.mesh4j.core.internal.routing;

import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.core.http.MeshRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A VirtualService compiled for one workload: its HTTP routes in order, after delegate inlining
 * and after dropping matches that cannot apply to this workload, and its connection routes
 * ({@code tls}, {@code tcp}). Immutable and thread-safe.
 */
public final class CompiledVirtualService {
  private final VirtualService config;
  private final CompiledRoute[] routes;
  private final ConnectionRoutes connections;

  CompiledVirtualService(VirtualService config, List<CompiledRoute> routes, ConnectionRoutes connections) {
    this.config = config;
    this.routes = routes.toArray(new CompiledRoute[0]);
    this.connections = connections;
  }

  public VirtualService config() {
    return config;
  }

  /** The HTTP routes. */
  public List<CompiledRoute> routes() {
    return List.of(routes);
  }

  /** The {@code tls} and {@code tcp} routes, for connections to non-HTTP ports. */
  public ConnectionRoutes connections() {
    return connections;
  }

  /** The first match that holds, or null (404 NR). */
  public @Nullable CompiledMatch route(MeshRequest request, int port) {
    for (CompiledRoute r : routes) {
      // Indexed: an iterator of the immutable list is one allocation per route the JIT may keep.
      List<CompiledMatch> matches = r.matches();
      for (int i = 0, n = matches.size(); i < n; i++) {
        CompiledMatch m = matches.get(i);
        if (m.matches(request, port)) {
          return m;
        }
      }
    }
    return null;
  }

  /**
   * This VirtualService's routes merged with those of a later one for the same host, as a gateway
   * merges them (see {@link GatewayMerge}); sidecars do not merge.
   */
  public CompiledVirtualService mergeForGateway(CompiledVirtualService later) {
    return GatewayMerge.merge(this, later);
  }

  /**
   * Whether this VirtualService has a route that can apply on this port. When none can (every
   * match names another port), Istio leaves the service's default route in place.
   */
  public boolean servesPort(int port) {
    for (CompiledRoute r : routes) {
      if (r.admitsPort(port)) {
        return true;
      }
    }
    return false;
  }
}
