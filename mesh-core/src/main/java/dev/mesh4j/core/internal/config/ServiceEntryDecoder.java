package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.ServiceEntry;
import dev.mesh4j.api.config.ServiceEntry.Resolution;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.config.WorkloadEndpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a {@code ServiceEntry} spec, checked as Istio's {@code ValidateServiceEntry}: hosts,
 * addresses, ports, then the rules of each resolution. Endpoints are read by
 * {@link WorkloadEntryDecoder}.
 */
final class ServiceEntryDecoder {
  private ServiceEntryDecoder() {}

  /** Opting a ServiceEntry out of Istio's IP auto-allocation. */
  private static final String AUTOALLOCATE_LABEL = "networking.istio.io/enable-autoallocate-ip";

  static ServiceEntry decode(ObjectMeta meta, Node spec) {
    Node ws = spec.get("workloadSelector");
    Map<String, String> selector = Map.of();
    if (ws.expectObject()) {
      selector = CommonDecoders.selectorLabels(ws, ws.get("labels"), "service entry: ");
    }
    Node endpointsNode = spec.get("endpoints");
    List<Node> endpointNodes = endpointsNode.elements();
    if (!ws.isMissing() && !endpointNodes.isEmpty()) {
      spec.error("only one of WorkloadSelector or Endpoints is allowed in Service Entry");
    }
    Resolution resolution = spec.get("resolution").asEnum(Resolution.class);
    Resolution res = resolution == null ? Resolution.NONE : resolution;
    ServiceEntry.Location location = spec.get("location").asEnum(ServiceEntry.Location.class);

    Node hostsNode = spec.get("hosts");
    List<String> hosts = hostsNode.asStringList();
    checkHosts(hostsNode, hosts, res);
    Node addressesNode = spec.get("addresses");
    List<String> addresses = addressesNode.asStringList();
    List<Node> addressNodes = addressesNode.elements();
    for (int i = 0; i < addresses.size() && i < addressNodes.size(); i++) {
      String a = addresses.get(i);
      String why = Hosts.validateIpSubnet(a);
      if (why != null) {
        addressNodes.get(i).error(why);
      } else if (a.contains("/") && res != Resolution.NONE && res != Resolution.STATIC) {
        addressNodes.get(i).error("CIDR addresses are allowed only for NONE/STATIC resolution types");
      }
    }
    // Istio allocates addresses itself unless resolution is NONE, the label opts out, or
    // addresses are given; without any, a TCP port cannot be told apart.
    boolean autoAllocation = res != Resolution.NONE
        && !"false".equalsIgnoreCase(meta.labels().get(AUTOALLOCATE_LABEL)) && addresses.isEmpty();
    List<ServicePort> ports = ports(spec.get("ports"), addresses.isEmpty() && !autoAllocation,
        addressesNode);
    Set<String> portNames = new HashSet<>();
    for (Node p : spec.get("ports").elements()) {
      if (p.isObject()) {
        portNames.add(p.text("name"));
      }
    }

    List<WorkloadEndpoint> endpoints = new ArrayList<>();
    switch (res) {
      case NONE -> {
        if (!endpointNodes.isEmpty()) {
          endpointsNode.error("no endpoints should be provided for resolution type none");
        }
        if (!ws.isMissing()) {
          ws.warn("workloadSelector should not be set when resolution mode is NONE");
        }
      }
      case STATIC -> {
        boolean unix = false;
        for (Node e : endpointNodes) {
          unix |= e.isObject() && e.text("address").startsWith(Ports.UNIX_PREFIX);
          WorkloadEndpoint ep = WorkloadEntryDecoder.endpoint(e, portNames, false);
          if (ep != null) {
            endpoints.add(ep);
          }
        }
        if (endpointNodes.isEmpty() && ws.isMissing()) {
          spec.get("endpoints").warn("no endpoints and no workloadSelector: the service has no endpoints");
        }
        if (unix && portNames.size() != 1) {
          spec.get("ports").error("exactly 1 service port required for unix endpoints");
        }
      }
      case DNS, DNS_ROUND_ROBIN -> {
        checkDns(spec, hostsNode, hosts, res, endpointNodes, portNames, endpoints);
        if (!ws.isMissing()) {
          // mesh4j finds a DNS service's endpoints by resolving its hosts (or listed endpoints).
          ws.warn("mesh4j uses workloadSelector endpoints only with resolution STATIC; with " + res
              + " the hosts are resolved instead");
        }
      }
      case DYNAMIC_DNS -> checkDynamicDns(spec, meta, hosts, location);
      default -> throw new AssertionError(res);
    }
    // Several hosts share one address and port: only HTTP (authority) or TLS (SNI) can tell
    // them apart, unless resolution is NONE and hosts are not used at all.
    if (res != Resolution.NONE && hosts.size() > 1) {
      for (Node port : spec.get("ports").elements()) {
        Ports.Protocol p = port.isObject() ? Ports.parseProtocol(port.text("protocol")) : null;
        if (port.isObject() && (p == null || (!p.isHttp() && !p.isTls()))) {
          port.get("protocol").error("multiple hosts provided with non-HTTP, non-TLS ports");
          break;
        }
      }
    }
    List<String> exportTo = CommonDecoders.exportTo(spec.get("exportTo"), meta.namespace(), true,
        false);
    List<String> sans = spec.stringList("subjectAltNames");
    return new ServiceEntry(meta, hosts, addresses, ports, location, res, endpoints, selector,
        exportTo, sans);
  }

  /** At least one host; each a name or wildcard but not {@code *}; partial wildcards warned. */
  private static void checkHosts(Node hostsNode, List<String> hosts, Resolution res) {
    if (hosts.isEmpty()) {
      hostsNode.error(res == Resolution.DYNAMIC_DNS
          ? "at least one wildcard host must be provided for resolution type DYNAMIC_DNS"
          : "service entry must have at least one host");
    }
    List<Node> nodes = hostsNode.elements();
    for (int i = 0; i < hosts.size() && i < nodes.size(); i++) {
      String h = hosts.get(i);
      if (h.equals("*")) {
        nodes.get(i).error("invalid host *");
        continue;
      }
      String why = Hosts.validateWildcardDomain(h);
      if (why != null) {
        nodes.get(i).error(why);
      } else if (res != Resolution.DYNAMIC_DNS && Hosts.validatePartialWildcard(h) != null) {
        nodes.get(i).warn(Hosts.validatePartialWildcard(h));
      }
    }
  }

  /**
   * Ports: a name (a DNS label), a number and a known protocol; names and numbers unique.
   * Invalid ports are kept as written, after their error.
   *
   * @param warnTcp whether a TCP (or unset) protocol needs an address Istio will not allocate
   */
  private static List<ServicePort> ports(Node n, boolean warnTcp, Node addresses) {
    List<ServicePort> out = new ArrayList<>();
    Set<Long> numbers = new HashSet<>();
    Set<String> names = new HashSet<>();
    boolean warned = false;
    for (Node p : n.elements()) {
      if (p.isMissing()) {
        p.error("service entry port may not be null");
        continue;
      }
      if (!p.expectObject()) {
        continue;
      }
      String name = p.text("name");
      String protocol = p.text("protocol");
      Node numberNode = p.get("number");
      Long number = numberNode.asUint32();
      long num = number == null ? 0 : number;
      if (!names.add(name)) {
        p.get("name").error("service entry port name " + Quoting.quote(name) + " already defined");
      }
      if (!numbers.add(num)) {
        numberNode.error("service entry port " + num + " already defined");
      }
      Node targetNode = p.get("targetPort");
      Long target = targetNode.asUint32();
      if (target != null && target != 0 && Ports.validatePort(target) != null) {
        targetNode.error(Ports.validatePort(target));
      }
      // Istio compares with "TCP" exactly here, unlike everywhere else.
      if (warnTcp && !warned && (protocol.isEmpty() || protocol.equals("TCP"))) {
        addresses.warn("addresses are required for ports serving TCP (or unset) protocol when IP "
            + "Autoallocation is not enabled");
        warned = true;
      }
      boolean valid = Ports.checkPortName(p.get("name"), name);
      valid &= Ports.checkProtocol(p.get("protocol"), protocol);
      String why = Ports.validatePort(num);
      if (why != null) {
        numberNode.error(why);
        valid = false;
      }
      ServicePort sp = new ServicePort(Ports.toInt(num), protocol, name,
          target == null || target == 0 ? null : Ports.toInt(target));
      if (valid && !sp.isHttp() && !sp.isTlsPassthrough()) {
        p.warn("protocol " + Quoting.escape(protocol) + " is neither HTTP nor TLS: a request to this port is taken"
            + " as a connection (tcp routes, else the service's endpoints), with no HTTP routing");
      }
      out.add(sp);
    }
    return out;
  }

  /** Resolution DNS or DNS_ROUND_ROBIN. */
  private static void checkDns(Node spec, Node hostsNode, List<String> hosts, Resolution res,
      List<Node> endpointNodes, Set<String> portNames, List<WorkloadEndpoint> endpoints) {
    if (endpointNodes.isEmpty()) {
      List<Node> nodes = hostsNode.elements();
      for (int i = 0; i < hosts.size() && i < nodes.size(); i++) {
        String why = Hosts.validateFqdn(hosts.get(i));
        if (why != null) {
          nodes.get(i).error("hosts must be FQDN or contain only prefix wildcards if no endpoints "
              + "are provided for resolution mode " + res + ", " + why);
          break;
        }
      }
    }
    if (res == Resolution.DNS_ROUND_ROBIN && endpointNodes.size() > 1) {
      spec.get("endpoints").error("there must only be 0 or 1 endpoint for resolution mode "
          + "DNS_ROUND_ROBIN");
    }
    for (Node e : endpointNodes) {
      WorkloadEndpoint ep = WorkloadEntryDecoder.endpoint(e, portNames, true);
      if (ep != null) {
        endpoints.add(ep);
      }
    }
    if (!spec.get("addresses").elements().isEmpty() && hosts.size() > 1) {
      for (Node p : spec.get("ports").elements()) {
        Ports.Protocol proto = p.isObject() ? Ports.parseProtocol(p.text("protocol")) : null;
        if (proto != null && proto.isTcp()) {
          spec.get("hosts").warn("service entry can not have more than one host specified "
              + "simultaneously with address and tcp port");
          break;
        }
      }
    }
  }

  /** Resolution DYNAMIC_DNS (Envoy's dynamic forward proxy). */
  private static void checkDynamicDns(Node spec, ObjectMeta meta, List<String> hosts,
      ServiceEntry.Location location) {
    List<Node> nodes = spec.get("hosts").elements();
    for (int i = 0; i < hosts.size() && i < nodes.size(); i++) {
      if (!hosts.get(i).startsWith("*")) {
        nodes.get(i).error("host must be wildcarded for resolution mode DYNAMIC_DNS");
      }
    }
    if (!spec.get("addresses").elements().isEmpty()) {
      spec.get("addresses").error("addresses cannot be set for resolution type DYNAMIC_DNS. HTTP "
          + "route domains will only be generated from the hosts field values");
    }
    if (!spec.get("endpoints").elements().isEmpty()) {
      spec.get("endpoints").error("endpoints cannot be set for resolution type DYNAMIC_DNS. "
          + "Destination IP address determined from hosts field values");
    }
    for (Node port : spec.get("ports").elements()) {
      Ports.Protocol p = port.isObject() ? Ports.parseProtocol(port.text("protocol")) : null;
      if (port.isObject() && p != Ports.Protocol.HTTP && p != Ports.Protocol.TLS
          && p != Ports.Protocol.GRPC && p != Ports.Protocol.HTTP2) {
        port.get("protocol").error("only HTTP, TLS, GRPC, and HTTP2 protocols are supported for "
            + "resolution type DYNAMIC_DNS");
      }
    }
    String waypoint = meta.labels().get("istio.io/use-waypoint");
    if (location == ServiceEntry.Location.MESH_INTERNAL && waypoint != null && !waypoint.isEmpty()
        && !waypoint.equalsIgnoreCase("none")) {
      spec.get("location").error("location MESH_INTERNAL with resolution type DYNAMIC_DNS is not "
          + "supported when using waypoints");
    }
  }
}
