package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.L4MatchAttributes;
import dev.mesh4j.api.config.RouteDestination;
import dev.mesh4j.api.config.TcpRoute;
import dev.mesh4j.api.config.TlsMatchAttributes;
import dev.mesh4j.api.config.TlsRoute;
import dev.mesh4j.api.config.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a VirtualService's {@code tls} and {@code tcp} routes, checked as Istio's
 * {@code validateTLSRoute} and {@code validateTCPRoute} do. A route with an error is reported
 * through its node, which rejects the whole resource; what is decoded then is never used.
 */
final class L4RouteRules {
  private L4RouteRules() {}

  private static final String OUTBOUND_PREFIX = "outbound";

  /** Istio's {@code isSniHost}: whether any TLS match names SNI hosts. */
  static boolean hasSniHosts(List<Node> tls) {
    for (Node r : tls) {
      if (!r.isObject()) {
        continue;
      }
      for (Node m : r.get("match").elements()) {
        if (m.isObject() && !m.get("sniHosts").elements().isEmpty()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code ValidateWildcardDomainForVirtualServiceBoundToGateway}: as
   * {@link Hosts#validateWildcardDomain}, but with SNI routes Istio's auto-generated names
   * {@code outbound_.<port>_._.<hostname>} are accepted too.
   */
  static @Nullable String validateGatewayDomain(boolean sni, String domain) {
    if (sni && domain.startsWith(OUTBOUND_PREFIX + "_") && domain.length() <= 255) {
      String[] parts = domain.split("_", -1);
      if (parts.length < 4) {
        return "domain name " + domain + " invalid, should follow 'outbound_.<PORT>_._.<HOSTNAME>' format";
      }
      String port = trimDots(parts[1]);
      String host = trimDots(parts[3]);
      if (!port.matches(".*[0-9].*")) {
        return "domain name " + Quoting.quote(domain) + " invalid (label " + Quoting.quote(port) + " invalid)";
      }
      if (!host.matches(".*[a-zA-Z].*")) {
        return "domain name " + Quoting.quote(domain) + " invalid (label " + Quoting.quote(host) + " invalid)";
      }
      return null;
    }
    return Hosts.validateWildcardDomain(domain);
  }

  private static String trimDots(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) == '.') {
      from++;
    }
    while (to > from && s.charAt(to - 1) == '.') {
      to--;
    }
    return s.substring(from, to);
  }

  /** {@code validateTLSRoute}: at least one match, each with SNI hosts; a route. */
  static @Nullable TlsRoute tls(Node r, List<String> vsHosts, List<String> gateways) {
    if (!r.expectObject()) {
      return null;
    }
    List<Node> matches = r.get("match").elements();
    if (matches.isEmpty()) {
      r.get("match").error("TLS route must have at least one match condition");
    }
    List<TlsMatchAttributes> decoded = new ArrayList<>();
    for (Node m : matches) {
      if (m.isMissing()) {
        m.error("TLS match may not be null");
        continue;
      }
      if (!m.expectObject()) {
        continue;
      }
      Node sniNode = m.get("sniHosts");
      List<String> sniHosts = sniNode.asStringList();
      if (sniHosts.isEmpty()) {
        sniNode.error("TLS match must have at least one SNI host");
      }
      List<Node> sniNodes = sniNode.elements();
      for (int i = 0; i < sniHosts.size() && i < sniNodes.size(); i++) {
        checkSniHost(sniNodes.get(i), sniHosts.get(i), vsHosts, gateways);
      }
      L4MatchAttributes l4 = l4Match(m);
      decoded.add(new TlsMatchAttributes(sniHosts, l4.destinationSubnets(), l4.port(), l4.sourceLabels(),
          l4.gateways(), l4.sourceNamespace()));
    }
    List<RouteDestination> route = route(r, "TLS route is required");
    return new TlsRoute(decoded, route);
  }

  /** {@code validateTCPRoute}: matches are optional; a route. */
  static @Nullable TcpRoute tcp(Node r) {
    if (!r.expectObject()) {
      return null;
    }
    List<L4MatchAttributes> decoded = new ArrayList<>();
    for (Node m : r.get("match").elements()) {
      if (m.isMissing()) {
        m.error("tcp match may not be nil");
        continue;
      }
      if (m.expectObject()) {
        decoded.add(l4Match(m));
      }
    }
    List<RouteDestination> route = route(r, "TCP route is required");
    return new TcpRoute(decoded, route);
  }

  /**
   * {@code validateSniHost}: a valid name or wildcard (an IP is only a warning), and a subset of
   * one of the VirtualService's hosts. Istio checks it as a gateway name unless the
   * VirtualService names the mesh gateway explicitly.
   */
  private static void checkSniHost(Node at, String sni, List<String> vsHosts, List<String> gateways) {
    boolean isGateway = !gateways.contains(VirtualService.MESH_GATEWAY);
    String why = isGateway ? validateGatewayDomain(true, sni) : Hosts.validateWildcardDomain(sni);
    if (why != null) {
      if (Hosts.isIp(sni)) {
        at.warn("using an IP address (" + Quoting.quote(sni) + ") goes against SNI spec and most clients do "
            + "not support this");
      } else {
        at.error(why);
      }
      return;
    }
    for (String h : vsHosts) {
      if (Hosts.subsetOf(sni, h)) {
        return;
      }
    }
    at.error("SNI host " + Quoting.quote(sni) + " is not a compatible subset of any of the virtual service "
        + "hosts: [" + Quoting.escape(String.join(", ", vsHosts)) + "]");
  }

  /** {@code validateTCPMatch} and the shared part of {@code validateTLSMatch}. */
  private static L4MatchAttributes l4Match(Node m) {
    List<String> subnets = new ArrayList<>();
    for (Node subnet : m.get("destinationSubnets").elements()) {
      String s = subnet.asString();
      String why = s == null ? null : Hosts.validateIpSubnet(s);
      if (why != null) {
        subnet.error(why);
      } else if (s != null) {
        subnets.add(s);
      }
    }
    Node port = m.get("port");
    Long p = port.asUint32();
    Integer portNumber = null;
    if (p != null && p != 0 && Ports.validatePort(p) != null) {
      port.error(Ports.validatePort(p));
    } else if (p != null && p != 0) {
      portNumber = Ports.toInt(p);
    }
    Map<String, String> labels = CommonDecoders.labels(m.get("sourceLabels"));
    List<String> gateways = CommonDecoders.gatewayNames(m.get("gateways"));
    String ns = m.get("sourceNamespace").asString();
    return new L4MatchAttributes(subnets, portNumber, labels, gateways, ns == null || ns.isEmpty() ? null : ns);
  }

  /** {@code validateRouteDestinations}: destinations, weights >= 0, a total > 0 for several. */
  private static List<RouteDestination> route(Node r, String requiredMessage) {
    Node route = r.get("route");
    List<Node> destinations = route.elements();
    if (destinations.isEmpty()) {
      route.error(requiredMessage);
    }
    List<RouteDestination> out = new ArrayList<>();
    long total = 0;
    for (Node d : destinations) {
      if (d.isMissing()) {
        d.error("weight may not be nil");
        continue;
      }
      if (!d.expectObject()) {
        continue;
      }
      Destination destination = CommonDecoders.destination(d.get("destination"), true);
      Node w = d.get("weight");
      Integer weight = w.asInt32();
      if (weight != null && weight < 0) {
        w.error("weight " + weight + " < 0");
      } else if (weight != null) {
        total += weight;
      }
      if (destination != null) {
        out.add(new RouteDestination(destination, weight));
      }
    }
    if (destinations.size() > 1 && total == 0) {
      route.error("total destination weight = 0");
    }
    return out;
  }
}
