package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.Gateway;
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.config.Sidecar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Decodes the parts of {@code Sidecar} and {@code Gateway} a client needs. */
final class SidecarGatewayDecoder {
  private SidecarGatewayDecoder() {}

  static Sidecar decodeSidecar(ObjectMeta meta, Node spec) {
    Map<String, String> selector = Map.of();
    Node ws = spec.get("workloadSelector");
    if (ws.expectObject()) {
      selector = CommonDecoders.labels(ws.get("labels"));
    }
    List<String> egressHosts = new ArrayList<>();
    for (Node e : spec.get("egress").elements()) {
      if (!e.expectObject()) {
        continue;
      }
      List<String> hosts = e.stringList("hosts");
      List<Node> hostNodes = e.get("hosts").elements();
      if (hosts.isEmpty()) {
        e.get("hosts").error("egress listener must have at least one host");
      }
      for (int i = 0; i < hosts.size() && i < hostNodes.size(); i++) {
        validateEgressHost(hostNodes.get(i), hosts.get(i));
      }
      egressHosts.addAll(hosts);
      e.get("port");
      e.get("bind");
      e.get("captureMode");
    }
    OutboundTrafficPolicy mode = null;
    Node otp = spec.get("outboundTrafficPolicy");
    if (otp.expectObject()) {
      mode = otp.get("mode").asEnum(OutboundTrafficPolicy.class);
      otp.get("egressProxy");
    }
    // Inbound settings configure a proxy's listeners; a client has nothing to do with them.
    spec.get("ingress");
    spec.get("inboundConnectionPool");
    return new Sidecar(meta, selector, egressHosts, mode);
  }

  private static void validateEgressHost(Node at, String host) {
    int slash = host.indexOf('/');
    if (slash <= 0) {
      at.error("egress host \"" + host + "\" must be of the form namespace/dnsName");
      return;
    }
    String ns = host.substring(0, slash);
    String dns = host.substring(slash + 1);
    if (!ns.equals("*") && !ns.equals(".") && !ns.equals("~") && !Hosts.isDns1123Label(ns)) {
      at.error("invalid namespace \"" + ns + "\" in egress host \"" + host + "\"");
    }
    if (Hosts.invalidWildcardDomain(dns, true) != null) {
      at.error("invalid host \"" + dns + "\" in egress host \"" + host + "\"");
    }
  }

  static Gateway decodeGateway(ObjectMeta meta, Node spec) {
    Map<String, String> selector = spec.stringMap("selector");
    List<Gateway.Server> servers = new ArrayList<>();
    for (Node s : spec.get("servers").elements()) {
      if (!s.expectObject()) {
        continue;
      }
      Node port = s.get("port");
      int number = 0;
      String protocol = "";
      if (port.expectObject()) {
        Integer n = port.integer("number", 1, CommonDecoders.MAX_PORT);
        number = n == null ? 0 : n;
        String p = port.string("protocol");
        protocol = p == null ? "" : p;
        port.get("name");
        port.get("targetPort");
      }
      List<String> hosts = s.stringList("hosts");
      if (hosts.isEmpty()) {
        s.get("hosts").error("server config must contain at least one host");
      }
      String name = s.string("name");
      s.get("tls").markAllRead();
      s.get("bind");
      s.get("defaultEndpoint");
      servers.add(new Gateway.Server(number, protocol, hosts, name));
    }
    return new Gateway(meta, selector, servers);
  }
}
