package dev.mesh4j.core.internal.snapshot;

import dev.mesh4j.api.config.Sidecar;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.internal.config.Hosts;
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

  private static boolean visible(Service s, Sidecar sidecar, Workload workload) {
    for (String entry : sidecar.egressHosts()) {
      int slash = entry.indexOf('/');
      String ns = entry.substring(0, slash);
      String host = entry.substring(slash + 1).toLowerCase(java.util.Locale.ROOT);
      boolean nsOk = ns.equals("*")
          || (ns.equals(".") && s.namespace().equals(sidecar.metadata().namespace()))
          || ns.equals(s.namespace());
      if (!nsOk || ns.equals("~")) {
        continue;
      }
      if (host.equals("*") || host.equals(s.hostname()) || Hosts.wildcardMatches(host, s.hostname())) {
        return true;
      }
    }
    return false;
  }
}
