package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An Istio {@code Gateway}. mesh4j reads it so that {@code gateways:} references resolve and, for
 * a workload acting as this gateway, to limit the hosts it accepts.
 *
 * @param metadata name, namespace and origin
 * @param selector labels of the gateway workloads
 * @param servers the servers (ports and hosts)
 */
public record Gateway(ObjectMeta metadata, Map<String, String> selector, List<Server> servers)
    implements IstioResource {

  /**
   * A gateway server.
   *
   * @param portNumber the port number
   * @param protocol the port protocol
   * @param hosts the hosts exposed ({@code namespace/host} or {@code host}); may be {@code *}
   * @param name an optional server name
   */
  public record Server(int portNumber, String protocol, List<String> hosts, @Nullable String name) {
    public Server {
      requireNonNull(protocol, "protocol");
      hosts = Copies.list(hosts);
    }
  }

  public Gateway {
    requireNonNull(metadata, "metadata");
    selector = Copies.map(selector);
    servers = Copies.list(servers);
  }
}
