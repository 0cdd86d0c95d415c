package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.TcpRoute;
import dev.mesh4j.api.config.TlsRoute;
import dev.mesh4j.api.config.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes a {@code VirtualService} spec, checked as Istio's {@code ValidateVirtualService}: hosts,
 * gateways, delegate rules, then each route ({@link HttpRouteDecoder}, {@link L4RouteRules}) and
 * the unreachable-rule analysis ({@link UnreachableRules}).
 */
final class VirtualServiceDecoder {
  private VirtualServiceDecoder() {}

  static VirtualService decode(ObjectMeta meta, Node spec) {
    Node hostsNode = spec.get("hosts");
    List<String> hosts = hostsNode.asStringList();
    Node gatewaysNode = spec.get("gateways");
    List<String> gateways = gatewaysNode.asStringList();
    List<Node> http = spec.get("http").elements();
    List<Node> tcp = spec.get("tcp").elements();
    List<Node> tls = spec.get("tls").elements();

    // A VirtualService without hosts is a delegate: only a root VirtualService's routes lead to it.
    boolean delegate = hosts.isEmpty();
    if (delegate) {
      if (!gateways.isEmpty()) {
        gatewaysNode.error("delegate virtual service must have no gateways specified");
      }
      if (!tls.isEmpty()) {
        spec.get("tls").error("delegate virtual service must have no tls route specified");
      }
      if (!tcp.isEmpty()) {
        spec.get("tcp").error("delegate virtual service must have no tcp route specified");
      }
    }
    // No gateways means the mesh; a list without "mesh" binds to those gateways only.
    boolean gatewayOnly = !gateways.isEmpty() && !gateways.contains(VirtualService.MESH_GATEWAY);
    if (!gateways.isEmpty()) {
      CommonDecoders.gatewayNames(gatewaysNode);
    }
    if (!gatewayOnly) {
      checkNoJwtClaims(http, gateways);
    }
    checkHosts(hostsNode, hosts, gatewayOnly, L4RouteRules.hasSniHosts(tls));

    if (http.isEmpty() && tcp.isEmpty() && tls.isEmpty()) {
      spec.error("http, tcp or tls must be provided in virtual service");
    }
    List<HttpRoute> routes = new ArrayList<>();
    for (Node r : http) {
      HttpRoute route = HttpRouteDecoder.route(r, delegate);
      if (route != null) {
        routes.add(route);
      }
    }
    List<TlsRoute> tlsRoutes = new ArrayList<>();
    for (Node r : tls) {
      TlsRoute route = L4RouteRules.tls(r, hosts, gateways);
      if (route != null) {
        tlsRoutes.add(route);
      }
    }
    List<TcpRoute> tcpRoutes = new ArrayList<>();
    for (Node r : tcp) {
      TcpRoute route = L4RouteRules.tcp(r);
      if (route != null) {
        tcpRoutes.add(route);
      }
    }
    List<String> exportTo = CommonDecoders.exportTo(spec.get("exportTo"), meta.namespace(), false,
        false);
    UnreachableRules.analyzeHttp(http, routes);
    UnreachableRules.analyzeL4(tcp);
    UnreachableRules.analyzeL4(tls);
    return new VirtualService(meta, hosts, gateways, routes, tlsRoutes, tcpRoutes, exportTo);
  }

  /**
   * Hosts: valid names or wildcards ({@code ValidateWildcardDomain}; for a VirtualService bound
   * only to gateways, also Istio's auto-generated {@code outbound_.<port>_._.<host>} SNI names),
   * or IP addresses; {@code *} only without the mesh; no two overlapping hosts.
   */
  private static void checkHosts(Node hostsNode, List<String> hosts, boolean gatewayOnly, boolean sni) {
    List<Node> nodes = hostsNode.elements();
    boolean allValid = true;
    for (int i = 0; i < hosts.size() && i < nodes.size(); i++) {
      String h = hosts.get(i);
      String why = gatewayOnly ? L4RouteRules.validateGatewayDomain(sni, h)
          : Hosts.validateWildcardDomain(h);
      if (why != null) {
        if (!Hosts.isIp(h)) {
          nodes.get(i).error(why);
          allValid = false;
        }
      } else if (!gatewayOnly && h.equals("*")) {
        nodes.get(i).error(
            "wildcard host * is not allowed for virtual services bound to the mesh gateway");
        allValid = false;
      }
    }
    if (!allValid) {
      return;
    }
    for (int i = 0; i < hosts.size(); i++) {
      for (int j = i + 1; j < hosts.size(); j++) {
        if (Hosts.overlap(hosts.get(i), hosts.get(j))) {
          hostsNode.error("duplicate hosts in virtual service: " + Quoting.escape(hosts.get(i)) + " & "
              + Quoting.escape(hosts.get(j)));
        }
      }
    }
  }

  /**
   * JWT claims ({@code @request.auth.claims.*} keys) come from a gateway that validated the
   * token, so a VirtualService that applies to the mesh may not match on them.
   */
  private static void checkNoJwtClaims(List<Node> http, List<String> gateways) {
    for (Node r : http) {
      if (!r.isObject()) {
        continue;
      }
      for (Node m : r.get("match").elements()) {
        if (!m.isObject()) {
          continue;
        }
        for (String field : new String[] {"headers", "withoutHeaders"}) {
          Node headers = m.get(field);
          if (!headers.isObject()) {
            continue;
          }
          for (Map.Entry<String, Node> e : headers.entries().entrySet()) {
            if (HeaderRules.isJwtClaim(e.getKey())) {
              headers.error("JWT claim based routing (key: " + Quoting.escape(e.getKey()) + ") is only supported "
                  + "for gateway, found no gateways: " + gateways);
            }
          }
        }
      }
    }
  }
}
