package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.Gateway;
import dev.mesh4j.api.config.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes the parts of a {@code Gateway} mesh4j needs: the servers' ports and hosts, which limit
 * the requests a workload acting as that gateway accepts (SPEC §14). Server TLS is the gateway
 * proxy's business and is not read.
 */
final class GatewayDecoder {
  private GatewayDecoder() {}

  static Gateway decode(ObjectMeta meta, Node spec) {
    Map<String, String> selector = spec.stringMap("selector");
    List<Gateway.Server> servers = new ArrayList<>();
    if (spec.get("servers").elements().isEmpty()) {
      spec.get("servers").error("gateway must have at least one server");
    }
    for (Node s : spec.get("servers").elements()) {
      if (!s.expectObject()) {
        continue;
      }
      Node port = s.get("port");
      int number = 0;
      String protocol = "";
      if (port.isMissing()) {
        port.error("port is required");
      } else if (port.expectObject()) {
        Integer n = port.get("number").asInt(0, Ports.MAX_PORT);
        number = n == null ? 0 : n;
        protocol = port.text("protocol");
        Ports.checkProtocol(port.get("protocol"), protocol);
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
