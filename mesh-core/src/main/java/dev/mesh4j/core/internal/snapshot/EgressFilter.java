package dev.mesh4j.core.internal.snapshot;

import dev.mesh4j.api.config.Sidecar;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.discovery.Service;
import dev.mesh4j.core.internal.discovery.ServiceCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Sidecar's {@code egress.hosts} ({@code namespace/host}) limit which services the workload
 * sees; the rest become unknown hosts (passed through or blocked by the outbound policy).
 */
final class EgressFilter {
  private EgressFilter() {}

  static ServiceCatalog apply(ServiceCatalog catalog, Sidecar sidecar, Workload workload) {
    Map<String, Service> byName = new LinkedHashMap<>();
    List<Service> wildcards = new ArrayList<>();
    for (Service s : catalog.all()) {
      if (!visible(s, sidecar, workload)) {
        continue;
      }
      if (s.isWildcard()) {
        wildcards.add(s);
      } else {
        byName.put(s.hostname(), s);
      }
    }
    return new ServiceCatalog(byName, wildcards, workload.namespace(), workload.domainSuffix());
  }

  /**
   * Istio's {@code selectServices}: a service is visible when an entry imports it
   * ({@code ns/host}, {@code ./host}, {@code *}/host) and no {@code ~}-prefixed entry excludes it
   * ({@code ~ns/host} in its namespace, {@code ~/host} in any; so {@code ~/*} imports nothing).
   */
  private static boolean visible(Service s, Sidecar sidecar, Workload workload) {
    String own = sidecar.metadata().namespace();
    boolean imported = false;
    for (String entry : sidecar.egressHosts()) {
      int slash = entry.indexOf('/');
      String ns = entry.substring(0, slash);
      String host = entry.substring(slash + 1).toLowerCase(java.util.Locale.ROOT);
      boolean excluding = ns.startsWith("~");
      if (excluding) {
        ns = ns.substring(1);
        ns = ns.isEmpty() ? "*" : ns;
      }
      boolean nsOk = ns.equals("*") || (ns.equals(".") ? s.namespace().equals(own) : ns.equals(s.namespace()));
      if (!nsOk) {
        continue;
      }
      if (excluding) {
        if (Hosts.subsetOf(s.hostname(), host)) {
          return false;
        }
      } else if (host.equals("*") || host.equals(s.hostname()) || Hosts.wildcardMatches(host, s.hostname())) {
        imported = true;
      }
    }
    return imported;
  }
}
