package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.ServiceEntry;
import dev.mesh4j.api.config.ServiceEntry.Resolution;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.config.WorkloadEndpoint;
import dev.mesh4j.api.config.WorkloadEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Decodes and validates {@code ServiceEntry} and {@code WorkloadEntry} specs. */
final class ServiceEntryDecoder {
  private ServiceEntryDecoder() {}

  static final Set<String> PROTOCOLS = Set.of("HTTP", "HTTPS", "HTTP2", "GRPC", "GRPC-WEB",
      "TCP", "TLS", "MONGO", "MYSQL", "REDIS", "UDP", "HBONE");

  static ServiceEntry decode(ObjectMeta meta, Node spec) {
    List<String> hosts = spec.stringList("hosts");
    Resolution resolution = spec.get("resolution").asEnum(Resolution.class);
    Resolution res = resolution == null ? Resolution.NONE : resolution;
    ServiceEntry.Location location = spec.get("location").asEnum(ServiceEntry.Location.class);
    if (hosts.isEmpty()) {
      spec.get("hosts").error("service entry must have at least one host");
    }
    List<Node> hostNodes = spec.get("hosts").elements();
    for (int i = 0; i < hosts.size() && i < hostNodes.size(); i++) {
      String h = hosts.get(i);
      String why = Hosts.invalidWildcardDomain(h, false);
      if (why != null) {
        hostNodes.get(i).error(why);
      }
    }
    List<String> addresses = spec.stringList("addresses");
    List<Node> addressNodes = spec.get("addresses").elements();
    for (int i = 0; i < addresses.size() && i < addressNodes.size(); i++) {
      String a = addresses.get(i);
      String ip = a.contains("/") ? a.substring(0, a.indexOf('/')) : a;
      if (!Hosts.isIp(ip)) {
        addressNodes.get(i).error("invalid address \"" + a + "\" (expected an IP or CIDR)");
      }
    }
    List<ServicePort> ports = ports(spec.get("ports"));
    Map<String, String> selector = Map.of();
    Node ws = spec.get("workloadSelector");
    if (ws.expectObject()) {
      selector = CommonDecoders.labels(ws.get("labels"));
    }
    Set<String> portNames = new HashSet<>();
    for (ServicePort p : ports) {
      portNames.add(p.name());
    }
    List<WorkloadEndpoint> endpoints = new ArrayList<>();
    for (Node e : spec.get("endpoints").elements()) {
      WorkloadEndpoint ep = endpoint(e, res, portNames);
      if (ep != null) {
        endpoints.add(ep);
      }
    }
    boolean hasEndpoints = !spec.get("endpoints").elements().isEmpty();
    if (!ws.isMissing() && hasEndpoints) {
      spec.error("only one of endpoints and workloadSelector may be set");
    }
    switch (res) {
      case NONE -> {
        if (hasEndpoints) {
          spec.get("endpoints").error("no endpoints should be provided for resolution type NONE");
        }
      }
      case STATIC -> {
        if (!hasEndpoints && ws.isMissing()) {
          spec.get("endpoints").warn(
              "no endpoints and no workloadSelector: the service has no endpoints");
        }
        for (int i = 0; i < hosts.size(); i++) {
          if (hosts.get(i).startsWith("*") && hasEndpoints) {
            hostNodes.get(i).error("wildcard host \"" + hosts.get(i)
                + "\" cannot have endpoints with resolution STATIC");
          }
        }
      }
      case DNS, DNS_ROUND_ROBIN -> {
        if (!hasEndpoints) {
          for (int i = 0; i < hosts.size(); i++) {
            if (hosts.get(i).startsWith("*")) {
              hostNodes.get(i).error("wildcard host \"" + hosts.get(i)
                  + "\" cannot be resolved by DNS; list endpoints or use resolution NONE");
            }
          }
        }
        if (res == Resolution.DNS_ROUND_ROBIN && endpoints.size() > 1) {
          spec.get("endpoints").error(
              "there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN");
        }
        if (!ws.isMissing()) {
          ws.error("workloadSelector is not supported with resolution " + res);
        }
      }
      default -> { }
    }
    List<String> exportTo = CommonDecoders.exportTo(spec.get("exportTo"));
    List<String> sans = spec.stringList("subjectAltNames");
    return new ServiceEntry(meta, hosts, addresses, ports, location, res, endpoints, selector,
        exportTo, sans);
  }

  private static List<ServicePort> ports(Node n) {
    List<ServicePort> out = new ArrayList<>();
    Set<Integer> numbers = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (Node p : n.elements()) {
      if (!p.expectObject()) {
        continue;
      }
      Node numberNode = p.get("number");
      Integer number = numberNode.asInt(1, CommonDecoders.MAX_PORT);
      if (numberNode.isMissing()) {
        numberNode.error("required field is missing");
      }
      String protocol = p.string("protocol");
      String name = p.string("name");
      Integer target = p.integer("targetPort", 1, CommonDecoders.MAX_PORT);
      if (protocol != null && !PROTOCOLS.contains(protocol.toUpperCase(Locale.ROOT))) {
        p.get("protocol").error("unrecognized protocol \"" + protocol + "\"");
      }
      if (name != null && !name.isEmpty() && !names.add(name)) {
        p.get("name").error("duplicate port name \"" + name + "\"");
      }
      if (number != null && !numbers.add(number)) {
        numberNode.error("duplicate port number " + number);
      }
      if (number != null) {
        String proto = protocol == null ? "" : protocol;
        ServicePort sp = new ServicePort(number, proto, name == null ? "" : name, target);
        if (!sp.isHttp() && !sp.isTlsPassthrough()) {
          p.warn("protocol " + proto + " is not HTTP: mesh4j does not route it (port ignored)");
        }
        out.add(sp);
      }
    }
    return out;
  }

  private static @Nullable WorkloadEndpoint endpoint(Node e, Resolution res, Set<String> portNames) {
    if (!e.expectObject()) {
      return null;
    }
    WorkloadEndpoint ep = workloadEndpoint(e, portNames);
    if (ep == null) {
      return null;
    }
    String a = ep.address();
    if (a.startsWith("unix://")) {
      e.get("address").warn("unix domain socket endpoints are not supported by mesh4j (ignored)");
      return null;
    }
    if (res == Resolution.STATIC && !Hosts.isIp(a)) {
      e.get("address").error("endpoint address \"" + a + "\" must be an IP address for resolution STATIC");
      return null;
    }
    if ((res == Resolution.DNS || res == Resolution.DNS_ROUND_ROBIN)
        && !Hosts.isIp(a) && Hosts.invalidFqdn(a, a) != null) {
      e.get("address").error("endpoint address \"" + a + "\" is not a valid host name or IP");
      return null;
    }
    return ep;
  }

  /** The fields shared by inline endpoints and WorkloadEntry specs. */
  static @Nullable WorkloadEndpoint workloadEndpoint(Node e, @Nullable Set<String> portNames) {
    String address = e.string("address");
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Map.Entry<String, Node> p : e.get("ports").entries().entrySet()) {
      Integer port = p.getValue().asInt(1, CommonDecoders.MAX_PORT);
      if (portNames != null && !portNames.contains(p.getKey())) {
        p.getValue().error("endpoint port name \"" + p.getKey() + "\" is not a service port name");
      }
      if (port != null) {
        ports.put(p.getKey(), port);
      }
    }
    Map<String, String> labels = CommonDecoders.labels(e.get("labels"));
    String network = e.string("network");
    String locality = e.string("locality");
    Node wn = e.get("weight");
    Integer weight = wn.asInt(0, 0xFFFF_FFFFL);
    String sa = e.string("serviceAccount");
    if (address == null || address.isEmpty()) {
      if (portNames == null && network != null) {
        // A WorkloadEntry may omit the address when it names a network (reached via a gateway).
        e.get("address").warn("workload entries without an address are not reachable in-process");
      } else {
        e.get("address").error("address is required");
      }
      return null;
    }
    return new WorkloadEndpoint(address, ports, labels, network, locality,
        weight == null || weight == 0 ? null : weight, sa);
  }

  static @Nullable WorkloadEntry decodeWorkloadEntry(ObjectMeta meta, Node spec) {
    WorkloadEndpoint ep = workloadEndpoint(spec, null);
    if (ep == null) {
      return null;
    }
    if (!Hosts.isIp(ep.address()) && Hosts.invalidFqdn(ep.address(), ep.address()) != null) {
      spec.get("address").error("invalid address \"" + ep.address() + "\"");
      return null;
    }
    return new WorkloadEntry(meta, ep);
  }
}
