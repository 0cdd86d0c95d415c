package dev.mesh4j.core.internal.discovery;

import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.ServiceEntry;
import dev.mesh4j.api.config.ServiceEntry.Resolution;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.config.WorkloadEndpoint;
import dev.mesh4j.api.config.WorkloadEntry;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Problems;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@link ServiceCatalog} from ServiceEntries, WorkloadEntries, the programmatic
 * registry and DNS. Runs off the request path, whenever the config, the registry or DNS
 * answers change.
 */
public final class CatalogBuilder {
  private final Workload workload;
  private final DnsCache dns;
  private final Problems problems;
  private final Map<String, Service> byName = new LinkedHashMap<>();
  private final List<Service> wildcards = new ArrayList<>();
  private final Set<String> dnsNames = new HashSet<>();

  public CatalogBuilder(Workload workload, DnsCache dns, Problems problems) {
    this.workload = workload;
    this.dns = dns;
    this.problems = problems;
  }

  /** A service a source delivered, and a label of where it came from (for explain). */
  public record Registered(ServiceEndpoints service, String source) {}

  /**
   * Registry services first (they play the role of Kubernetes Services, which win over
   * ServiceEntries for the same host), then ServiceEntries visible to the workload, oldest
   * first.
   *
   * @param registry the services sources delivered, one per host (conflicts already resolved)
   * @param entries ServiceEntries in precedence order
   */
  public ServiceCatalog build(List<Registered> registry, List<ServiceEntry> entries, MeshConfig config) {
    for (Registered r : registry) {
      addRegistryService(r.service(), r.source());
    }
    List<WorkloadEntry> workloadEntries = config.all(WorkloadEntry.class);
    for (ServiceEntry se : entries) {
      if (!Visibility.exported(se, workload.namespace())) {
        continue;
      }
      addServiceEntry(se, workloadEntries);
    }
    dns.retain(dnsNames);
    return new ServiceCatalog(byName, wildcards, workload.namespace(), workload.domainSuffix());
  }

  private void addRegistryService(ServiceEndpoints registered, String source) {
    Service s = registryService(registered, source, workload);
    if (s != null) {
      byName.put(s.hostname(), s);
    }
  }

  /**
   * A service delivered by a source, as the catalog holds it: its canonical name, its namespace
   * (given, else the one its name implies, else the workload's), its ports (given, else an HTTP
   * port per port with endpoints); null when it is not exported to the workload's namespace.
   */
  public static @Nullable Service registryService(ServiceEndpoints registered, String source, Workload workload) {
    String given = registered.namespace();
    String name = Hosts.resolve(registered.host(), given.isEmpty() ? workload.namespace() : given,
        workload.domainSuffix());
    String ns = given.isEmpty() ? namespaceOf(name, workload) : given;
    if (!Visibility.exported(registered.exportTo(), ns, workload.namespace())) {
      return null;
    }
    List<ServicePort> ports = registered.ports();
    if (ports.isEmpty()) {
      List<ServicePort> derived = new ArrayList<>();
      for (Integer p : registered.endpoints().keySet()) {
        derived.add(new ServicePort(p, "HTTP", "http-" + p, null));
      }
      ports = derived;
    }
    return new Service(name, ns, ports, Resolution.STATIC, ServiceEntry.Location.MESH_INTERNAL,
        registered.endpoints(), source, List.of(), registered.trafficDistribution());
  }

  private void addServiceEntry(ServiceEntry se, List<WorkloadEntry> workloadEntries) {
    String ns = se.metadata().namespace();
    for (String rawHost : se.hosts()) {
      // mesh4j: a dot-less ServiceEntry host names a service in the entry's namespace, like the
      // short names of VirtualServices and DestinationRules (see the docs on host names).
      String host = Hosts.resolve(rawHost, ns, workload.domainSuffix());
      Service existing = host.startsWith("*") ? findWildcard(host) : byName.get(host);
      if (existing != null) {
        problems.warn(se.metadata().origin(), "spec.hosts",
            "host " + host + " is already declared by " + existing.source() + "; this entry is ignored for it");
        continue;
      }
      Map<Integer, List<Endpoint>> endpoints = new LinkedHashMap<>();
      for (ServicePort port : se.ports()) {
        endpoints.put(port.number(), endpointsFor(se, rawHost, port, workloadEntries));
      }
      Service s = new Service(host, ns, se.ports(), se.resolution(), se.location(), endpoints,
          "ServiceEntry " + se.metadata().qualifiedName(), se.subjectAltNames());
      if (s.isWildcard()) {
        wildcards.add(s);
      } else {
        byName.put(host, s);
      }
    }
  }

  private @Nullable Service findWildcard(String host) {
    for (Service w : wildcards) {
      if (w.hostname().equals(host)) {
        return w;
      }
    }
    return null;
  }

  private List<Endpoint> endpointsFor(ServiceEntry se, String rawHost, ServicePort port,
      List<WorkloadEntry> workloadEntries) {
    List<Endpoint> out = new ArrayList<>();
    switch (se.resolution()) {
      case NONE, DYNAMIC_DNS -> { }
      case STATIC -> {
        String ns = se.metadata().namespace();
        for (WorkloadEndpoint we : se.endpoints()) {
          out.add(endpoint(we.address(), we, port, ns));
        }
        if (!se.workloadSelector().isEmpty()) {
          for (WorkloadEntry entry : workloadEntries) {
            if (entry.metadata().namespace().equals(ns)
                && Visibility.selects(se.workloadSelector(), entry.spec().labels())) {
              out.add(endpoint(entry.spec().address(), entry.spec(), port, ns));
            }
          }
        }
      }
      case DNS, DNS_ROUND_ROBIN -> {
        List<WorkloadEndpoint> targets = se.endpoints().isEmpty()
            ? List.of(new WorkloadEndpoint(rawHost, Map.of(), Map.of(), null, null, null, null))
            : se.endpoints();
        for (WorkloadEndpoint we : targets) {
          List<String> addresses = Hosts.isIp(we.address()) ? List.of(we.address()) : resolve(se, we.address());
          if (se.resolution() == Resolution.DNS_ROUND_ROBIN && !addresses.isEmpty()) {
            addresses = List.of(addresses.get(0));
          }
          for (String a : addresses) {
            out.add(endpoint(a, we, port, se.metadata().namespace()));
          }
        }
      }
    }
    return List.copyOf(out);
  }

  private List<String> resolve(ServiceEntry se, String name) {
    dnsNames.add(name);
    List<String> addresses = dns.addresses(name);
    if (addresses.isEmpty()) {
      problems.warn(se.metadata().origin(), "spec",
          "DNS name " + name + " did not resolve; the service has no endpoints for it until it does");
    }
    return addresses;
  }

  /**
   * An endpoint of a ServiceEntry or WorkloadEntry in {@code namespace}; a workload's service
   * account makes its principal, as istiod derives it ({@code spiffe://<trust domain>/ns/…/sa/…}).
   */
  private Endpoint endpoint(String address, WorkloadEndpoint we, ServicePort port, String namespace) {
    Integer mapped = we.ports().get(port.name());
    int target = mapped != null ? mapped : port.targetPort() != null ? port.targetPort() : port.number();
    String sa = we.serviceAccount();
    return new Endpoint(address, target, we.labels(), we.weight() == null ? 1 : we.weight(), we.locality(),
        sa == null || sa.isEmpty() ? null : workload.spiffeId(namespace, sa));
  }

  private static String namespaceOf(String fqdn, Workload workload) {
    String suffix = ".svc." + workload.domainSuffix();
    if (fqdn.endsWith(suffix)) {
      String rest = fqdn.substring(0, fqdn.length() - suffix.length());
      int dot = rest.lastIndexOf('.');
      if (dot > 0) {
        return rest.substring(dot + 1);
      }
    }
    return workload.namespace();
  }
}
