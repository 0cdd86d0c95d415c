package dev.mesh4j.core.internal.routing;

import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.api.runtime.Workload;
import java.util.List;

/**
 * Gateway binding: which VirtualServices (and matches) apply to a workload acting as some
 * gateways. {@code mesh} means ordinary sidecars; other names are {@code [namespace/]name},
 * short names resolving against the config's namespace (for the workload's own list: against the
 * workload's namespace).
 */
public final class Gateways {
  private Gateways() {}

  /** Whether a VirtualService with these {@code gateways} applies to the workload. */
  public static boolean bound(VirtualService vs, Workload workload) {
    List<String> gateways = vs.gateways().isEmpty() ? List.of(VirtualService.MESH_GATEWAY) : vs.gateways();
    return anyMatch(gateways, vs.metadata().namespace(), workload);
  }

  /**
   * Whether a VirtualService applies to the workload through a gateway other than {@code mesh}.
   * Istio merges the VirtualServices a gateway gets for one host (sidecars keep only the oldest).
   */
  public static boolean boundAsGateway(VirtualService vs, Workload workload) {
    for (String g : vs.gateways()) {
      if (!g.equals(VirtualService.MESH_GATEWAY) && anyMatch(List.of(g), vs.metadata().namespace(), workload)) {
        return true;
      }
    }
    return false;
  }

  static boolean anyMatch(List<String> gateways, String configNamespace, Workload workload) {
    for (String g : gateways) {
      for (String w : workload.gateways()) {
        if (same(g, configNamespace, w, workload.namespace())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean same(String config, String configNs, String workloadGateway, String workloadNs) {
    if (config.equals(VirtualService.MESH_GATEWAY) || workloadGateway.equals(VirtualService.MESH_GATEWAY)) {
      return config.equals(workloadGateway);
    }
    return qualify(config, configNs).equals(qualify(workloadGateway, workloadNs))
        // A workload that names its gateway without a namespace accepts it from any namespace.
        || (workloadGateway.indexOf('/') < 0 && name(config).equals(workloadGateway));
  }

  private static String qualify(String gateway, String ns) {
    return gateway.indexOf('/') >= 0 ? gateway : ns + "/" + gateway;
  }

  private static String name(String gateway) {
    int slash = gateway.indexOf('/');
    return slash < 0 ? gateway : gateway.substring(slash + 1);
  }
}
