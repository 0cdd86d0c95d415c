package dev.mesh4j.core.internal.snapshot;

import dev.mesh4j.api.config.Gateway;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.internal.common.Hosts;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * For a workload acting as a gateway: a VirtualService bound to it through a {@code Gateway}
 * serves only the hosts that gateway's servers expose ({@code servers[].hosts}, written
 * {@code host} or {@code namespace/host}).
 */
final class GatewayHosts {
  private GatewayHosts() {}

  /**
   * The hosts the gateways binding this VirtualService to the workload accept, or null when
   * the VirtualService applies through {@code mesh} (no gateway limit) or no such Gateway is
   * loaded (nothing to limit by; a warning says the gateway is unknown).
   */
  static @Nullable List<String> acceptedHosts(VirtualService vs, Workload workload, List<Gateway> gateways) {
    List<String> bound = vs.gateways().isEmpty() ? List.of(VirtualService.MESH_GATEWAY) : vs.gateways();
    if (bound.contains(VirtualService.MESH_GATEWAY) && workload.actsAs(VirtualService.MESH_GATEWAY)) {
      return null;
    }
    List<String> hosts = new ArrayList<>();
    boolean found = false;
    for (String g : bound) {
      String qualified = g.indexOf('/') >= 0 ? g : vs.metadata().namespace() + "/" + g;
      String name = qualified.substring(qualified.indexOf('/') + 1);
      if (!workload.actsAs(g) && !workload.actsAs(qualified) && !workload.actsAs(name)) {
        continue;
      }
      for (Gateway gw : gateways) {
        if (gw.metadata().qualifiedName().equals(qualified)) {
          found = true;
          for (Gateway.Server server : gw.servers()) {
            for (String h : server.hosts()) {
              int slash = h.indexOf('/');
              hosts.add(slash < 0 ? h : h.substring(slash + 1));
            }
          }
        }
      }
    }
    return found ? hosts : null;
  }

  /** Whether a VirtualService host is within a gateway host (wildcards on either side). */
  static boolean accepts(List<String> gatewayHosts, String host) {
    for (String g : gatewayHosts) {
      String gh = g.toLowerCase(java.util.Locale.ROOT);
      if (gh.equals("*") || gh.equals(host) || Hosts.wildcardMatches(gh, host) || Hosts.wildcardMatches(host, gh)
          || host.equals("*")) {
        return true;
      }
    }
    return false;
  }
}
