package dev.mesh4j.core.internal.snapshot;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.Gateway;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.config.ServiceEntry;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.config.Sidecar;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.cluster.ClusterKey;
import dev.mesh4j.core.internal.cluster.ClusterSlot;
import dev.mesh4j.core.internal.cluster.ClusterStates;
import dev.mesh4j.core.internal.cluster.DestinationRuleIndex;
import dev.mesh4j.core.internal.cluster.PolicyMerge;
import dev.mesh4j.core.internal.cluster.ResilienceStates;
import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Problems;
import dev.mesh4j.core.internal.discovery.CatalogBuilder;
import dev.mesh4j.core.internal.discovery.DnsCache;
import dev.mesh4j.core.internal.discovery.Service;
import dev.mesh4j.core.internal.discovery.ServiceCatalog;
import dev.mesh4j.core.internal.discovery.Visibility;
import dev.mesh4j.core.internal.lb.ClusterState;
import dev.mesh4j.core.internal.lb.LoadBalancer;
import dev.mesh4j.core.internal.lb.LoadBalancers;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.resilience.EjectionListener;
import dev.mesh4j.core.internal.routing.CompiledRoute;
import dev.mesh4j.core.internal.routing.CompiledVirtualService;
import dev.mesh4j.core.internal.routing.Gateways;
import dev.mesh4j.core.internal.routing.RouteCompiler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Compiles a validated configuration and the current endpoints into a {@link MeshSnapshot}, for
 * one workload. Runs off the request path (build, reload, endpoint change), one at a time.
 */
public final class SnapshotCompiler implements AutoCloseable {
  private final Workload workload;
  private final DnsCache dns;
  private final ClusterStates states;
  private final ResilienceStates resilience;

  /**
   * @param scheduler runs outlier-detection sweeps
   * @param ticker measures ejection times and connection-pool waits
   */
  public SnapshotCompiler(Workload workload, DnsCache dns, ClusterStates states, Scheduler scheduler,
      Ticker ticker) {
    this(workload, dns, states, scheduler, ticker, EjectionListener.NONE);
  }

  /** @param ejections told of outlier detection's ejections and returns in every cluster */
  public SnapshotCompiler(Workload workload, DnsCache dns, ClusterStates states, Scheduler scheduler,
      Ticker ticker, EjectionListener ejections) {
    this.workload = workload;
    this.dns = dns;
    this.states = states;
    this.resilience = new ResilienceStates(scheduler, ticker, ejections);
  }

  /** Stops the background work of cluster state (outlier-detection sweeps). */
  @Override
  public void close() {
    resilience.close();
  }

  /**
   * Compiles a snapshot. Problems found here are warnings (the config was already validated):
   * undefined subsets, unknown hosts, conflicts.
   *
   * @param registry the services sources delivered, one per host
   */
  public MeshSnapshot compile(long version, MeshConfig config, List<CatalogBuilder.Registered> registry) {
    Problems problems = new Problems();
    config.warnings().forEach(problems::add);

    Sidecar sidecar = sidecarFor(config);
    List<ServiceEntry> entries = Precedence.sort(config.all(ServiceEntry.class));
    ServiceCatalog catalog = new CatalogBuilder(workload, dns, problems).build(registry, entries, config);
    if (sidecar != null && !sidecar.egressHosts().isEmpty()) {
      catalog = EgressFilter.apply(catalog, sidecar, workload);
    }
    DestinationRuleIndex rules = new DestinationRuleIndex(
        Precedence.sort(config.all(DestinationRule.class)), workload, problems);
    Map<ClusterKey, ClusterSlot> clusters = clusters(catalog, rules, problems);

    Map<String, VirtualService> delegates = new HashMap<>();
    List<VirtualService> roots = new ArrayList<>();
    for (VirtualService vs : orderedVirtualServices(config)) {
      if (vs.isDelegate()) {
        delegates.put(vs.metadata().qualifiedName(), vs);
      } else if (Gateways.bound(vs, workload)) {
        roots.add(vs);
      }
    }
    RouteCompiler compiler = new RouteCompiler(workload, catalog, clusters::get, delegates::get, problems);
    VirtualHostIndex vhosts = new VirtualHostIndex();
    Set<String> gatewayNames = gatewayNames(config);
    List<Gateway> gateways = config.all(Gateway.class);
    for (VirtualService vs : roots) {
      checkGateways(vs, gatewayNames, problems);
      CompiledVirtualService cvs = compiler.compile(vs);
      if (cvs == null) {
        continue;
      }
      List<String> gatewayHosts = GatewayHosts.acceptedHosts(vs, workload, gateways);
      for (int i = 0; i < vs.hosts().size(); i++) {
        String host = Hosts.resolve(vs.hosts().get(i), vs.metadata().namespace(), workload.domainSuffix());
        if (gatewayHosts != null && !GatewayHosts.accepts(gatewayHosts, host)) {
          problems.warn(vs.metadata().origin(), "spec.hosts[" + i + "]", "host " + host
              + " is not among the hosts of the gateways this workload acts as; ignored");
          continue;
        }
        CompiledVirtualService prev = vhosts.claim(host, cvs);
        if (prev != null && Gateways.boundAsGateway(vs, workload)
            && Gateways.boundAsGateway(prev.config(), workload)) {
          // A gateway merges the VirtualServices bound to it for one host; sidecars do not.
          vhosts.replace(host, prev.mergeForGateway(cvs));
        } else if (prev != null) {
          problems.warn(vs.metadata().origin(), "spec.hosts[" + i + "]", "host " + host
              + " is already routed by VirtualService " + prev.config().metadata().qualifiedName()
              + " (" + prev.config().metadata().origin() + "), which takes precedence; VirtualService "
              + vs.metadata().qualifiedName() + " is ignored for it, as Istio does for sidecars");
        } else if (catalog.lookup(host) == null && !host.startsWith("*")) {
          problems.warn(vs.metadata().origin(), "spec.hosts[" + i + "]", "host " + host
              + " is not a known service (no ServiceEntry or registered endpoints); its routes apply"
              + " to requests on port 80 only");
        }
      }
    }
    Map<String, CompiledRoute> defaults = new LinkedHashMap<>();
    for (Service s : catalog.all()) {
      defaults.put(s.hostname(), compiler.defaultRoute(s));
    }
    states.retain(clusters.keySet());
    resilience.retain(clusters.keySet());
    OutboundTrafficPolicy policy = sidecar != null && sidecar.outboundTrafficPolicy() != null
        ? sidecar.outboundTrafficPolicy()
        : workload.outboundTrafficPolicy() != null ? workload.outboundTrafficPolicy()
            : OutboundTrafficPolicy.ALLOW_ANY;
    return new MeshSnapshot(version, config, workload, catalog, clusters, vhosts, defaults, rules,
        policy, problems.warnings());
  }

  /**
   * Applies new endpoints of one service to a snapshot's clusters, without compiling routes: each
   * of the service's clusters (every port and subset) is rebuilt with the same policy over the new
   * endpoints and swapped into its slot. Costs time in proportion to the service's endpoints and
   * clusters, whatever the size of the mesh. Per-endpoint state (in-flight counts, ejections)
   * carries over for endpoints that remain.
   *
   * @param service the service's canonical name as the catalog holds it, with its new endpoints
   * @return whether the snapshot has clusters for the service (else nothing changed)
   */
  public boolean updateEndpoints(MeshSnapshot snapshot, Service service) {
    List<ClusterSlot> slots = snapshot.slots(service.hostname());
    for (ClusterSlot slot : slots) {
      Cluster old = slot.get();
      ClusterKey key = old.key();
      ClusterState state = states.state(key);
      List<UpstreamHost> hosts = hosts(service, old.port(), slot.subset(), state);
      LoadBalancer balancer = old.loadBalancer() == null ? null
          : LoadBalancers.create(old.policy().loadBalancer(),
              LoadBalancers.panicThreshold(old.policy().outlierDetection()), hosts, state);
      slot.set(new Cluster(key, service, old.port(), old.policy(), old.rule(), balancer, state, old.tls(),
          old.connection(), old.failure(), resilience.cluster(key, old.policy(), hosts)));
    }
    return !slots.isEmpty();
  }

  /** The hosts of a cluster: the service's endpoints on the port that the subset selects. */
  private static List<UpstreamHost> hosts(Service s, ServicePort port, @Nullable Subset subset, ClusterState state) {
    List<UpstreamHost> hosts = new ArrayList<>();
    Set<String> hostPorts = new HashSet<>();
    for (Endpoint e : s.endpoints(port.number())) {
      if (subset == null || e.hasLabels(subset.labels())) {
        hosts.add(UpstreamHost.of(e, state));
        hostPorts.add(e.hostPort());
      }
    }
    state.retain(hostPorts);
    return hosts;
  }

  private Map<ClusterKey, ClusterSlot> clusters(ServiceCatalog catalog, DestinationRuleIndex rules,
      Problems problems) {
    Map<ClusterKey, ClusterSlot> out = new LinkedHashMap<>();
    Set<DestinationRule> warnedIdentity = new HashSet<>();
    for (Service s : catalog.all()) {
      DestinationRuleIndex.Rule rule = rules.forService(s.hostname(), s.namespace());
      List<Subset> subsets = rule == null ? List.of() : rule.subsets();
      for (ServicePort port : s.ports()) {
        List<Subset> all = new ArrayList<>();
        all.add(null);
        all.addAll(subsets);
        for (Subset subset : all) {
          ClusterKey key = new ClusterKey(s.hostname(), subset == null ? null : subset.name(), port.number());
          TrafficPolicy policy = PolicyMerge.merge(rule == null ? null : rule.policy(), subset, port.number());
          out.put(key, new ClusterSlot(cluster(key, s, port, subset, policy, rule, warnedIdentity, problems), subset));
        }
      }
    }
    return out;
  }

  private Cluster cluster(ClusterKey key, Service s, ServicePort port, @Nullable Subset subset,
      TrafficPolicy policy, DestinationRuleIndex.@Nullable Rule rule, Set<DestinationRule> warned,
      Problems problems) {
    ClusterState state = states.state(key);
    List<UpstreamHost> hosts = hosts(s, port, subset, state);
    LoadBalancerSettings lb = policy.loadBalancer();
    boolean passthrough = s.isPassthrough() || LoadBalancers.isPassthrough(lb);
    LoadBalancer balancer = passthrough ? null
        : LoadBalancers.create(lb, LoadBalancers.panicThreshold(policy.outlierDetection()), hosts, state);
    ClientTlsSettings tls = policy.tls();
    String failure = null;
    if (tls != null && tls.mode() == ClientTlsSettings.TlsMode.ISTIO_MUTUAL) {
      failure = "ISTIO_MUTUAL requires a workload identity (certificate, key and trust bundle), and"
          + " none is configured; refusing to send plain text to " + key.envoyName();
      if (rule != null && warned.add(rule.first())) {
        problems.warn(rule.first().metadata().origin(), "spec.trafficPolicy.tls.mode",
            "ISTIO_MUTUAL needs a workload identity, which this mesh4j instance does not have:"
                + " requests to " + rule.host() + " will fail with 503 UF");
      }
    }
    if (tls != null && tls.mode() == ClientTlsSettings.TlsMode.DISABLE) {
      tls = null;
    }
    return new Cluster(key, s, port, policy, rule == null ? null : rule.first(), balancer, state,
        failure == null ? tls : null, Cluster.connectionSettings(policy.connectionPool()), failure,
        resilience.cluster(key, policy, hosts));
  }

  /**
   * VirtualServices in the order Istio lets them claim hosts for a sidecar: those private to the
   * workload's namespace, then those exported to it by name, then public ones; each group
   * oldest first.
   */
  private List<VirtualService> orderedVirtualServices(MeshConfig config) {
    List<VirtualService> sorted = Precedence.sort(config.all(VirtualService.class));
    List<List<VirtualService>> buckets = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    String ns = workload.namespace();
    for (VirtualService vs : sorted) {
      if (!Visibility.exported(vs, ns)) {
        continue;
      }
      List<String> exportTo = vs.exportTo();
      boolean own = vs.metadata().namespace().equals(ns);
      if (own && (exportTo.contains(".") || exportTo.contains(ns))) {
        buckets.get(0).add(vs);
      } else if (exportTo.contains(ns)) {
        buckets.get(1).add(vs);
      } else {
        buckets.get(2).add(vs);
      }
    }
    List<VirtualService> out = new ArrayList<>();
    buckets.forEach(out::addAll);
    return out;
  }

  /** The Sidecar that applies to the workload: one selecting it, else its namespace's default. */
  private @Nullable Sidecar sidecarFor(MeshConfig config) {
    Sidecar namespaceDefault = null;
    Sidecar rootDefault = null;
    for (Sidecar s : Precedence.sort(config.all(Sidecar.class))) {
      String ns = s.metadata().namespace();
      if (ns.equals(workload.namespace())) {
        if (!s.workloadSelector().isEmpty()) {
          if (Visibility.selects(s.workloadSelector(), workload.labels())) {
            return s;
          }
        } else if (namespaceDefault == null) {
          namespaceDefault = s;
        }
      } else if (ns.equals(DestinationRuleIndex.ROOT_NAMESPACE) && s.workloadSelector().isEmpty()
          && rootDefault == null) {
        rootDefault = s;
      }
    }
    return namespaceDefault != null ? namespaceDefault : rootDefault;
  }

  private static Set<String> gatewayNames(MeshConfig config) {
    Set<String> names = new HashSet<>();
    for (Gateway g : config.all(Gateway.class)) {
      names.add(g.metadata().qualifiedName());
    }
    return names;
  }

  private static void checkGateways(VirtualService vs, Set<String> known, Problems problems) {
    for (int i = 0; i < vs.gateways().size(); i++) {
      String g = vs.gateways().get(i);
      if (g.equals(VirtualService.MESH_GATEWAY)) {
        continue;
      }
      String q = g.indexOf('/') >= 0 ? g : vs.metadata().namespace() + "/" + g;
      if (!known.contains(q)) {
        problems.warn(vs.metadata().origin(), "spec.gateways[" + i + "]",
            "gateway " + q + " is not defined by any loaded Gateway");
      }
    }
  }
}
