package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.discovery.Service;
import dev.mesh4j.core.internal.routing.CompiledMatch;
import dev.mesh4j.core.internal.routing.CompiledVirtualService;
import dev.mesh4j.core.internal.snapshot.HostEntry;
import dev.mesh4j.core.internal.snapshot.MeshSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * Decides where a request goes, as a sidecar's outbound HTTP listener would: the host's service
 * and port, the VirtualService claiming it, the first matching route; else the service's default
 * route; else passthrough or blackhole by the outbound traffic policy. A request to a non-HTTP
 * port of a service goes as the sidecar's listener for that port takes a connection: by the
 * VirtualService's {@code tls} or {@code tcp} routes, else to the service's endpoints. A workload acting only as
 * gateways (not {@code mesh}) routes as a gateway's listener does instead: by the VirtualService
 * bound to it that claims the host, whatever the port, and otherwise answers 404 {@code NR}. Pure
 * function of the snapshot and the request; thread-safe.
 */
final class Router {
  /** The listener port Istio puts VirtualServices for non-service hosts on. */
  static final int NON_SERVICE_VS_PORT = 80;

  private Router() {}

  static RouteResult route(MeshSnapshot snapshot, MeshRequest request) {
    int port = request.port();
    HostEntry host = snapshot.host(request.host(), port);
    if (!snapshot.workload().actsAs(VirtualService.MESH_GATEWAY)) {
      return atGateway(host, request, port);
    }
    Service service = host.service();
    if (service != null) {
      ServicePort sp = service.port(port);
      if (sp == null) {
        // The service has no such port: the sidecar has no route for it on this listener.
        return unknown(snapshot, host, port);
      }
      if (!sp.isHttp()) {
        return connection(snapshot, host, sp, request, port);
      }
      CompiledVirtualService vs = host.virtualService();
      if (vs != null && vs.servesPort(port)) {
        CompiledMatch m = vs.route(request, port);
        return m == null
            ? new RouteResult(RouteResult.Outcome.NO_ROUTE, null, vs, host, port)
            : routed(m, vs, host, port);
      }
      return routed(host.defaultRoute().matches().get(0), null, host, port);
    }
    CompiledVirtualService vs = host.virtualService();
    if (vs != null && port == NON_SERVICE_VS_PORT && vs.servesPort(port)) {
      CompiledMatch m = vs.route(request, port);
      return m == null
          ? new RouteResult(RouteResult.Outcome.NO_ROUTE, null, vs, host, port)
          : routed(m, vs, host, port);
    }
    return unknown(snapshot, host, port);
  }

  /**
   * A connection to a non-HTTP port, as a sidecar's outbound listener's filter chains take it:
   * to a {@code TLS}/{@code HTTPS} port, the application's own TLS goes by the VirtualService's
   * {@code tls} route for its server name (the request's host) — when the VirtualService has
   * {@code tls} matches for the port and none names the server, the connection is not the
   * service's: passthrough or blackhole — else to the service's endpoints; to any other port, by
   * the {@code tcp} route, else to the service's endpoints. A plain {@code http} request to a TLS
   * port sends no server name to match: it goes where the application named, as before routing.
   */
  private static RouteResult connection(MeshSnapshot snapshot, HostEntry host, ServicePort sp, MeshRequest request,
      int port) {
    CompiledVirtualService vs = host.virtualService();
    if (sp.isTlsPassthrough()) {
      if (!request.scheme().equals("https")) {
        return new RouteResult(RouteResult.Outcome.PASSTHROUGH, null, null, host, port);
      }
      if (vs != null && vs.connections().hasTls(port)) {
        CompiledMatch m = vs.connections().tls(request.host(), port);
        return m == null ? unknown(snapshot, host, port) : routed(m, vs, host, port);
      }
    } else if (vs != null) {
      CompiledMatch m = vs.connections().tcp(request.host(), port);
      if (m != null) {
        return routed(m, vs, host, port);
      }
    }
    return routed(host.connectionDefaultRoute().matches().get(0), null, host, port);
  }

  /**
   * A gateway's listener has a virtual host for each host its VirtualServices claim (Istio writes
   * the domains {@code host} and {@code host:*}, so the port of the authority does not matter) and
   * none for anything else: no service default routes, no passthrough — an unclaimed host is a 404
   * {@code NR}, never forwarded where the client named.
   */
  private static RouteResult atGateway(HostEntry host, MeshRequest request, int port) {
    CompiledVirtualService vs = host.virtualService();
    CompiledMatch m = vs == null ? null : vs.route(request, port);
    return m == null
        ? new RouteResult(RouteResult.Outcome.NO_ROUTE, null, vs, host, port)
        : routed(m, vs, host, port);
  }

  /**
   * The result of a request routed to {@code match}: the one made for the last request routed
   * there when it was for the same host entry, port and VirtualService (all of the snapshot), else
   * a new one, kept in its place. Requests to one service mostly take the same few routes, which
   * then allocate no result.
   */
  private static RouteResult routed(CompiledMatch match, @Nullable CompiledVirtualService vs, HostEntry host,
      int port) {
    if (match.lastResult() instanceof RouteResult r && r.host() == host && r.port() == port
        && r.virtualService() == vs) {
      return r;
    }
    RouteResult r = new RouteResult(RouteResult.Outcome.ROUTE, match, vs, host, port);
    match.lastResult(r);
    return r;
  }

  private static RouteResult unknown(MeshSnapshot snapshot, HostEntry host, int port) {
    return snapshot.outboundPolicy() == OutboundTrafficPolicy.REGISTRY_ONLY
        ? new RouteResult(RouteResult.Outcome.BLACKHOLE, null, null, host, port)
        : new RouteResult(RouteResult.Outcome.PASSTHROUGH, null, null, host, port);
  }
}
