package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.WorkloadEndpoint;
import dev.mesh4j.api.config.WorkloadEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a {@code WorkloadEntry} spec and the inline {@code endpoints} of a ServiceEntry, checked
 * as Istio's {@code validateWorkloadEntry} (and, for DNS endpoints, the checks
 * {@code ValidateServiceEntry} makes instead). mesh4j cannot reach unix sockets or endpoints
 * without an address (behind a network gateway): those are validated, then ignored with a
 * warning. Invalid endpoints are kept as written, after their error.
 */
final class WorkloadEntryDecoder {
  private WorkloadEntryDecoder() {}

  static @Nullable WorkloadEntry decode(ObjectMeta meta, Node spec) {
    WorkloadEndpoint ep = workloadEndpoint(spec, null, true);
    return ep == null ? null : new WorkloadEntry(meta, ep);
  }

  /**
   * An inline endpoint of a ServiceEntry.
   *
   * @param servicePorts the names of the ServiceEntry's ports, which endpoint ports must use
   * @param dns resolution DNS or DNS_ROUND_ROBIN: the address is a host name or IP
   */
  static @Nullable WorkloadEndpoint endpoint(Node e, Set<String> servicePorts, boolean dns) {
    if (e.isMissing()) {
      e.error("endpoint cannot be nil");
      return null;
    }
    if (!e.expectObject()) {
      return null;
    }
    if (!dns) {
      return workloadEndpoint(e, servicePorts, false);
    }
    String address = e.text("address");
    if (!Hosts.isIp(address) && Hosts.validateFqdn(address) != null) {
      e.get("address").error("endpoint address " + Quoting.quote(address) + " is not a valid FQDN or an IP address");
    }
    Map<String, Integer> ports = ports(e.get("ports"), servicePorts);
    return build(e, address, ports);
  }

  /**
   * {@code validateWorkloadEntry}: an address (IP, unix socket, or with {@code allowFqdn} a host
   * name), or none when a network is named; valid port names and numbers; valid labels.
   */
  private static @Nullable WorkloadEndpoint workloadEndpoint(Node e, @Nullable Set<String> servicePorts,
      boolean allowFqdn) {
    Node addressNode = e.get("address");
    String address = e.text("address");
    String network = e.text("network");
    if (address.isEmpty()) {
      if (network.isEmpty()) {
        addressNode.error("address is required");
        return new WorkloadEndpoint("", Map.of(), Map.of(), null, null, null, null);
      }
      addressNode.warn("address is unset with network " + Quoting.quote(network));
    }
    boolean unix = address.startsWith(Ports.UNIX_PREFIX);
    Node portsNode = e.get("ports");
    if (unix) {
      String why = Ports.validateUnixAddress(address.substring(Ports.UNIX_PREFIX.length()));
      if (why != null) {
        addressNode.error(why);
      }
      if (!portsNode.entries().isEmpty()) {
        portsNode.error("unix endpoint " + Quoting.escape(address) + " must not include ports");
      }
    } else if (!address.isEmpty() && !Hosts.isIp(address)) {
      if (!allowFqdn) {
        addressNode.error("endpoint address " + Quoting.quote(address) + " is not a valid IP address");
      } else if (Hosts.validateFqdn(address) != null) {
        addressNode.error("endpoint address " + Quoting.quote(address) + " is not a valid FQDN or an IP address");
      }
    }
    Map<String, Integer> ports = ports(portsNode, servicePorts);
    WorkloadEndpoint ep = build(e, address, ports);
    if (unix) {
      addressNode.warn("unix domain socket endpoints are not supported by mesh4j (ignored)");
      return null;
    }
    if (address.isEmpty()) {
      addressNode.warn("mesh4j cannot reach an endpoint without an address (ignored)");
      return null;
    }
    return ep;
  }

  /**
   * Endpoint ports: names DNS labels (and service port names, when known), numbers 1..65535.
   * Invalid ones are kept as written, after their error.
   */
  private static Map<String, Integer> ports(Node n, @Nullable Set<String> servicePorts) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> p : n.entries().entrySet()) {
      Long v = p.getValue().asUint32();
      if (servicePorts != null && !servicePorts.contains(p.getKey())) {
        p.getValue().error("endpoint port " + (v == null ? Quoting.escape(p.getKey()) : v)
            + " is not defined by the service entry");
      }
      Ports.checkPortName(p.getValue(), p.getKey());
      String why = v == null ? null : Ports.validatePort(v);
      if (why != null) {
        p.getValue().error(why);
      }
      if (v != null) {
        out.put(p.getKey(), Ports.toInt(v));
      }
    }
    return out;
  }

  private static WorkloadEndpoint build(Node e, String address, Map<String, Integer> ports) {
    Map<String, String> labels = CommonDecoders.labels(e.get("labels"));
    String network = e.string("network");
    String locality = e.string("locality");
    Long weight = e.get("weight").asUint32();
    String sa = e.string("serviceAccount");
    return new WorkloadEndpoint(address, ports, labels, network, locality,
        weight == null || weight == 0 ? null : (int) Math.min(Integer.MAX_VALUE, weight), sa);
  }
}
