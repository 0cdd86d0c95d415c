package dev.mesh4j.core.internal.snapshot;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.Gateway;
import dev.mesh4j.api.config.IstioResource;
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
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.telemetry.PeerMetadata;
import dev.mesh4j.core.internal.cluster.ClusterKey;
import dev.mesh4j.core.internal.cluster.ClusterSlot;
import dev.mesh4j.core.internal.cluster.ClusterStates;
import dev.mesh4j.core.internal.cluster.ClusterTable;
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
import dev.mesh4j.core.internal.lb.PriorityPlan;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.resilience.EjectionListener;
import dev.mesh4j.core.internal.routing.CompiledRoute;
import dev.mesh4j.core.internal.routing.CompiledVirtualService;
import dev.mesh4j.core.internal.routing.Gateways;
import dev.mesh4j.core.internal.routing.RouteCompiler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Compiles a validated configuration and the current endpoints into a {@link MeshSnapshot}, for
 * one workload. Runs off the request path (build, reload, endpoint change), one at a time.
 *
 * <p>Each method returns a new snapshot and publishes nothing: the snapshot in force is never
 * changed, so the caller publishes the result whole, with one reference swap, or drops it. What
 * a compile does change is the state clusters keep across snapshots (load-balancing state,
 * connection limiters, outlier detectors: {@link ClusterStates}, {@link ResilienceStates}), which
 * it reconfigures to the clusters it builds.
 */
public final class SnapshotCompiler implements AutoCloseable {
  private final Workload workload;
  private final DnsCache dns;
  private final ClusterStates states;
  private final ResilienceStates resilience;
  private final boolean hasIdentity;
  /**
   * This workload's peer metadata headers, which requests to services inside the mesh carry as a
   * sidecar's would (istio/proxy's {@code peer_metadata} filter with {@code skip_external_clusters}).
   */
  private final HeaderMutation peerMetadata;

  /**
   * @param scheduler runs outlier-detection sweeps
   * @param ticker measures ejection times and connection-pool waits
   * @param hasIdentity whether the mesh has a workload identity source: {@code ISTIO_MUTUAL}
   *     clusters then use it, and clusters without a {@code tls} setting get auto mTLS
   */
  public SnapshotCompiler(Workload workload, DnsCache dns, ClusterStates states, Scheduler scheduler,
      Ticker ticker, boolean hasIdentity) {
    this(workload, dns, states, scheduler, ticker, hasIdentity, EjectionListener.NONE);
  }

  /** @param ejections told of outlier detection's ejections and returns in every cluster */
  public SnapshotCompiler(Workload workload, DnsCache dns, ClusterStates states, Scheduler scheduler,
      Ticker ticker, boolean hasIdentity, EjectionListener ejections) {
    this.workload = workload;
    this.dns = dns;
    this.states = states;
    this.resilience = new ResilienceStates(scheduler, ticker, ejections);
    this.hasIdentity = hasIdentity;
    PeerMetadata own = PeerMetadata.of(workload);
    this.peerMetadata = HeaderMutation.of(List.of(
        new HeaderMutation.Op(HeaderMutation.Kind.SET, PeerMetadata.ID_HEADER, PeerMetadata.nodeId(workload)),
        new HeaderMutation.Op(HeaderMutation.Kind.SET, PeerMetadata.HEADER, own.encode())));
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
    Problems baseProblems = new Problems();
    Sidecar sidecar = sidecarFor(config);
    List<ServiceEntry> entries = Precedence.sort(config.all(ServiceEntry.class));
    ServiceCatalog catalog = new CatalogBuilder(workload, dns, baseProblems).build(registry, entries, config);
    if (sidecar != null && !sidecar.egressHosts().isEmpty()) {
      catalog = EgressFilter.apply(catalog, sidecar, workload);
    }
    DestinationRuleIndex rules = new DestinationRuleIndex(
        Precedence.sort(config.all(DestinationRule.class)), workload, baseProblems);
    List<Cluster> table = new ArrayList<>();
    Map<ClusterKey, ClusterSlot> clusters = clusters(catalog, rules, baseProblems, table);

    Problems defaultProblems = new Problems();
    RouteCompiler defaultCompiler = new RouteCompiler(workload, catalog, clusters::get, name -> null,
        defaultProblems);
    Map<String, CompiledRoute> defaults = new LinkedHashMap<>();
    Map<String, CompiledRoute> connectionDefaults = new LinkedHashMap<>();
    for (Service s : catalog.all()) {
      defaults.put(s.hostname(), defaultCompiler.defaultRoute(s));
      if (s.ports().stream().anyMatch(p -> !p.isHttp())) {
        connectionDefaults.put(s.hostname(), defaultCompiler.connectionDefaultRoute(s));
      }
    }
    OutboundTrafficPolicy policy = sidecar != null && sidecar.outboundTrafficPolicy() != null
        ? sidecar.outboundTrafficPolicy()
        : workload.outboundTrafficPolicy() != null ? workload.outboundTrafficPolicy()
            : OutboundTrafficPolicy.ALLOW_ANY;
    List<Gateway> gateways = config.all(Gateway.class);
    Base next = new Base(catalog, clusters, otherThanVirtualServices(config), gateways,
        gatewayNames(gateways), baseProblems.warnings(), defaultProblems.warnings());

    Problems problems = new Problems();
    VirtualHostIndex vhosts = routes(config, next, Map.of(), problems);
    states.retain(clusters.keySet());
    resilience.retain(clusters.keySet());
    MeshSnapshot snapshot = new MeshSnapshot(version, config, workload, catalog, clusters, ClusterTable.of(table),
        vhosts, defaults, connectionDefaults, rules, policy, problems.warnings());
    base = next;
    return snapshot;
  }

  /**
   * Compiles a snapshot in which only VirtualServices differ from {@code previous} (the snapshot
   * this compiler made last, or an endpoint-only copy of it): services, clusters, DestinationRules
   * and default routes are {@code previous}'s, and each VirtualService that did not change keeps
   * its compiled routes — so a change costs the changed VirtualServices' compilation and a walk
   * over the hosts, not a compilation of the whole mesh (as istiod pushes a VirtualService change
   * without rebuilding clusters). Falls back to {@link #compile} when {@code previous} is not
   * this compiler's last.
   *
   * @param registry used only for the fallback
   */
  public MeshSnapshot compileRoutes(long version, MeshConfig config,
      List<CatalogBuilder.Registered> registry, MeshSnapshot previous) {
    Base last = base;
    if (last == null || last.catalog() != previous.catalog()
        || !last.others().equals(otherThanVirtualServices(config))) {
      return compile(version, config, registry);
    }
    Problems problems = new Problems();
    VirtualHostIndex vhosts = routes(config, last, last.compiled(), problems);
    return previous.withRoutes(version, config, vhosts, problems.warnings());
  }

  /**
   * What a compile derives from everything but VirtualServices, and the VirtualServices it
   * compiled over it (reused by {@link #compileRoutes} while neither they nor the delegates
   * change: a compiled VirtualService depends only on its own spec, the delegates, the services,
   * the clusters and the workload). Confined to the compiling thread.
   */
  private record Base(ServiceCatalog catalog, Map<ClusterKey, ClusterSlot> clusters,
      List<IstioResource> others, List<Gateway> gateways, Set<String> gatewayNames,
      List<ConfigProblem> warnings, List<ConfigProblem> defaultWarnings,
      Map<VirtualService, Compiled> compiled, Map<String, VirtualService> delegates) {
    Base(ServiceCatalog catalog, Map<ClusterKey, ClusterSlot> clusters, List<IstioResource> others,
        List<Gateway> gateways, Set<String> gatewayNames, List<ConfigProblem> warnings,
        List<ConfigProblem> defaultWarnings) {
      this(catalog, clusters, others, gateways, gatewayNames, warnings, defaultWarnings,
          new IdentityHashMap<>(), new HashMap<>());
    }
  }

  /**
   * The resources a base is compiled from (every kind but VirtualService), to check that a
   * compile of routes only has the same: unchanged ones are the same instances, so this is
   * mostly reference comparisons.
   */
  private static List<IstioResource> otherThanVirtualServices(MeshConfig config) {
    List<IstioResource> out = new ArrayList<>();
    for (IstioResource r : config.resources()) {
      if (!(r instanceof VirtualService)) {
        out.add(r);
      }
    }
    return out;
  }

  /** A VirtualService compiled over a {@link Base}, with the warnings its compilation found. */
  private record Compiled(@Nullable CompiledVirtualService routes, List<ConfigProblem> warnings) {}

  private @Nullable Base base;

  /**
   * Compiles the VirtualServices of {@code config} over {@code base} (reusing {@code reuse}'s
   * compilations when the delegates are unchanged) and lets them claim their hosts. Adds to
   * {@code problems}, in order: the config's warnings, the base's, each VirtualService's, the
   * default routes'. Records what it compiled in {@code base}.
   */
  private VirtualHostIndex routes(MeshConfig config, Base base, Map<VirtualService, Compiled> reuse,
      Problems problems) {
    config.warnings().forEach(problems::add);
    base.warnings().forEach(problems::add);
    ServiceCatalog catalog = base.catalog();
    Map<String, VirtualService> delegates = new HashMap<>();
    List<VirtualService> roots = new ArrayList<>();
    for (VirtualService vs : orderedVirtualServices(config)) {
      if (vs.isDelegate()) {
        delegates.put(vs.metadata().qualifiedName(), vs);
      } else if (Gateways.bound(vs, workload)) {
        roots.add(vs);
      }
    }
    if (!delegates.equals(base.delegates())) {
      reuse = Map.of();
    }
    // By identity: a resource a source did not change is the same instance (records hash deeply).
    Map<VirtualService, Compiled> compiled = new IdentityHashMap<>();
    VirtualHostIndex vhosts = new VirtualHostIndex();
    for (VirtualService vs : roots) {
      checkGateways(vs, base.gatewayNames(), problems);
      Compiled c = compiled.get(vs);
      if (c == null) {
        c = reuse.get(vs);
      }
      if (c == null) {
        Problems own = new Problems();
        c = new Compiled(new RouteCompiler(workload, catalog, base.clusters()::get, delegates::get, own)
            .compile(vs), own.warnings());
      }
      compiled.put(vs, c);
      c.warnings().forEach(problems::add);
      CompiledVirtualService cvs = c.routes();
      if (cvs == null) {
        continue;
      }
      List<String> gatewayHosts = GatewayHosts.acceptedHosts(vs, workload, base.gateways());
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
        } else if (catalog.lookup(host) == null && !host.startsWith("*")
            && workload.actsAs(VirtualService.MESH_GATEWAY)) {
          // A gateway routes a host it claims on any port; a sidecar only on port 80.
          problems.warn(vs.metadata().origin(), "spec.hosts[" + i + "]", "host " + host
              + " is not a known service (no ServiceEntry or registered endpoints); its routes apply"
              + " to requests on port 80 only");
        }
      }
    }
    base.defaultWarnings().forEach(problems::add);
    base.compiled().clear();
    base.compiled().putAll(compiled);
    base.delegates().clear();
    base.delegates().putAll(delegates);
    return vhosts;
  }

  /**
   * A snapshot with new endpoints of some services, without compiling routes: each of their
   * clusters (every port and subset) is rebuilt with the same policy over the new endpoints and
   * put at its slot's index of a new {@link ClusterTable}; everything else is {@code snapshot}'s.
   * Costs time in proportion to the services' endpoints and clusters, whatever the size of the
   * mesh (and a copy of the table's list of chunks). Per-endpoint state (in-flight counts,
   * ejections) carries over for endpoints that remain.
   *
   * @param services each service's canonical name as the catalog holds it, with its new endpoints
   * @return the new snapshot, or {@code snapshot} itself when it has no clusters for any of the
   *     services (nothing changed)
   */
  public MeshSnapshot withEndpoints(MeshSnapshot snapshot, List<Service> services, long version) {
    ClusterTable table = snapshot.clusterTable();
    Map<Integer, Cluster> changed = new HashMap<>();
    for (Service service : services) {
      for (ClusterSlot slot : snapshot.slots(service.hostname())) {
        Cluster old = slot.get(table);
        ClusterKey key = old.key();
        ClusterState state = states.state(key);
        List<UpstreamHost> hosts = hosts(service, old.port(), slot.subset(), state);
        LoadBalancer balancer = old.loadBalancer() == null ? null : balancer(old.policy(), service, hosts, state);
        // The identities mutual TLS expects come from the endpoints: derive them again.
        Tls tls = tls(old.policy(), service, old.isPassthrough());
        changed.put(slot.index(), new Cluster(key, service, old.port(), old.policy(), old.rule(), balancer, state,
            tls.tls(), tls.autoMtls(), old.connection(), old.failure(), resilience.cluster(key, old.policy(), hosts),
            old.peerMetadata()));
      }
    }
    return changed.isEmpty() ? snapshot : snapshot.withClusters(version, table.with(changed));
  }

  /**
   * The balancer of a cluster: its algorithm, panic threshold, and the priorities and locality
   * weights Istio's locality load balancing gives its endpoints as seen from this workload — from
   * the DestinationRule's {@code localityLbSetting}, else the service's traffic distribution.
   */
  private LoadBalancer balancer(TrafficPolicy policy, Service service, List<UpstreamHost> hosts, ClusterState state) {
    LoadBalancerSettings lb = policy.loadBalancer();
    PriorityPlan plan = PriorityPlan.of(lb == null ? null : lb.localityLbSetting(), service.trafficDistribution(),
        policy.outlierDetection() != null, workload, hosts);
    return LoadBalancers.create(lb, LoadBalancers.panicThreshold(policy.outlierDetection()), hosts,
        state, plan);
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

  /**
   * The slots of every cluster, each at the index of {@code table} where this adds its cluster.
   */
  private Map<ClusterKey, ClusterSlot> clusters(ServiceCatalog catalog, DestinationRuleIndex rules,
      Problems problems, List<Cluster> table) {
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
          out.put(key, new ClusterSlot(key, table.size(), subset, policy));
          table.add(cluster(key, s, port, subset, policy, rule, warnedIdentity, problems));
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
    LoadBalancer balancer = passthrough ? null : balancer(policy, s, hosts, state);
    ClientTlsSettings given = policy.tls();
    String failure = null;
    if (given != null && given.mode() == ClientTlsSettings.TlsMode.ISTIO_MUTUAL && !hasIdentity) {
      failure = "ISTIO_MUTUAL requires a workload identity (certificate, key and trust bundle), and"
          + " none is configured; refusing to send plain text to " + key.envoyName();
      if (rule != null && warned.add(rule.first())) {
        problems.warn(rule.first().metadata().origin(), "spec.trafficPolicy.tls.mode",
            "ISTIO_MUTUAL needs a workload identity, which this mesh4j instance does not have:"
                + " requests to " + rule.host() + " will fail with 503 UF");
      }
    }
    Tls tls = failure != null ? Tls.NONE : tls(policy, s, passthrough);
    return new Cluster(key, s, port, policy, rule == null ? null : rule.first(), balancer, state,
        tls.tls(), tls.autoMtls(), Cluster.connectionSettings(policy.connectionPool()), failure,
        resilience.cluster(key, policy, hosts),
        passthrough || s.location() == ServiceEntry.Location.MESH_EXTERNAL ? HeaderMutation.NONE : peerMetadata);
  }

  /** What a cluster originates: TLS towards every endpoint, or auto mTLS per endpoint, or neither. */
  private record Tls(@Nullable ClientTlsSettings tls, @Nullable ClientTlsSettings autoMtls) {
    static final Tls NONE = new Tls(null, null);
  }

  /**
   * Istio's choice ({@code buildAutoMtlsSettings}): a DestinationRule's {@code tls} as it is
   * ({@code DISABLE}: plain text; {@code ISTIO_MUTUAL} with the service's identities when it names
   * none); without one, auto mTLS for a service inside the mesh when this mesh has an identity —
   * endpoints labelled {@code security.istio.io/tlsMode: istio} get {@code ISTIO_MUTUAL}, the
   * others plain text.
   */
  private Tls tls(TrafficPolicy policy, Service s, boolean passthrough) {
    ClientTlsSettings given = policy.tls();
    if (given != null) {
      return switch (given.mode()) {
        case DISABLE -> Tls.NONE;
        case ISTIO_MUTUAL -> hasIdentity ? new Tls(Cluster.istioMutual(given, s), null) : Tls.NONE;
        default -> new Tls(given, null);
      };
    }
    if (!hasIdentity || passthrough || s.location() == ServiceEntry.Location.MESH_EXTERNAL) {
      return Tls.NONE;
    }
    return new Tls(null, Cluster.istioMutual(null, s));
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

  private static Set<String> gatewayNames(List<Gateway> gateways) {
    Set<String> names = new HashSet<>();
    for (Gateway g : gateways) {
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
