package dev.mesh4j.istiod.internal;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.HttpMatchRequest;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.config.PortTrafficPolicy;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.istiod.internal.ClusterMapper.ClusterModel;
import dev.mesh4j.istiod.internal.ListenerMapper.ListenerModel;
import dev.mesh4j.istiod.internal.RouteMapper.MappedRoute;
import dev.mesh4j.istiod.internal.RouteMapper.RouteTable;
import dev.mesh4j.istiod.internal.RouteMapper.VirtualHostRoutes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What the xDS resources accepted so far mean to mesh4j, one service host at a time: a
 * {@code VirtualService} from the host's route configurations (one per port), a
 * {@code DestinationRule} whose subsets and port-level policies are its clusters, and the service
 * with its endpoints, each endpoint labelled with the subset clusters whose EDS lists it.
 *
 * <p>A host's routes change only when they are <em>warm</em>, as Envoy warms a listener and a
 * gRPC channel queues picks: every route configuration of the host is in, and every cluster its
 * routes name has its CDS and EDS resources; until then the routes published before keep
 * serving (and their clusters stay subscribed), for at most the warming timeout. Endpoints and
 * cluster policies apply as they come.
 *
 * <p>Not thread-safe: the source's stream calls it under its lock.
 */
public final class MeshView {
  /** The label a subset cluster's endpoints carry, and its DestinationRule subset selects. */
  public static final String SUBSET_LABEL_PREFIX = "subset.mesh4j.dev/";
  /** The annotation naming the Istio resources istiod built a host's routes from. */
  public static final String ISTIO_CONFIG_ANNOTATION = "mesh4j.dev/istio-config";

  private final String domainSuffix;
  private final String defaultNamespace;
  private final long warmTimeoutNanos;

  // What the stream accepted, by resource name.
  final Map<String, ListenerModel> listeners = new TreeMap<>();
  final Map<String, RouteTable> routes = new TreeMap<>();
  final Map<String, ClusterModel> clusters = new TreeMap<>();
  final Map<String, List<Endpoint>> endpoints = new TreeMap<>();
  /** DestinationRules of a companion source, by FQDN host: what istiod's gRPC generator drops. */
  final Map<String, DestinationRule> supplements = new TreeMap<>();
  /** Whether a companion source gives the DestinationRules (then a host without one has none). */
  private boolean companion;

  // What the mesh was given.
  private final Map<String, Map<Integer, Published>> published = new TreeMap<>();
  private final Map<String, Long> pendingSince = new TreeMap<>();
  /** The clusters the published routes name that had their CDS and EDS resources when published. */
  private final Set<String> readyInForce = new TreeSet<>();

  /** The routes of one host port in force, and the xDS resources they came from. */
  record Published(VirtualHostRoutes routes, Set<String> origins) {}

  /** One assembled view: Istio resources and services, with the xDS resources each came from. */
  public record Assembly(Map<ResourceKey, IstioResource> resources, Map<String, ServiceEndpoints> services,
      Map<ResourceKey, Set<String>> origins, boolean allWarm, long nextDeadlineNanos) {}

  public MeshView(String domainSuffix, String defaultNamespace, long warmTimeoutNanos) {
    this.domainSuffix = domainSuffix;
    this.defaultNamespace = defaultNamespace;
    this.warmTimeoutNanos = warmTimeoutNanos;
  }

  /** A companion source gives the DestinationRules: a host it has none for has Istio's defaults. */
  public void useCompanion() {
    companion = true;
  }

  // --- subscriptions -----------------------------------------------------------------------------

  /** The route configurations the listeners name. */
  public Set<String> routeNames() {
    Set<String> out = new TreeSet<>();
    for (ListenerModel l : listeners.values()) {
      if (l.rdsName() != null) {
        out.add(l.rdsName());
      }
    }
    return out;
  }

  /** The clusters named by routes in force and by routes received, so that both stay current. */
  public Set<String> clusterNames() {
    Set<String> out = new TreeSet<>();
    for (ListenerModel l : listeners.values()) {
      VirtualHostRoutes vh = current(l);
      if (vh != null) {
        for (MappedRoute r : vh.routes()) {
          r.clusters().forEach(c -> out.add(c.toString()));
        }
      }
    }
    for (Map<Integer, Published> ports : published.values()) {
      for (Published p : ports.values()) {
        for (MappedRoute r : p.routes().routes()) {
          r.clusters().forEach(c -> out.add(c.toString()));
        }
      }
    }
    return out;
  }

  /** The EDS resources of the known EDS clusters. */
  public Set<String> endpointNames() {
    Set<String> out = new TreeSet<>();
    for (ClusterModel c : clusters.values()) {
      if (c.edsName() != null) {
        out.add(c.edsName());
      }
    }
    return out;
  }

  /** Forgets route configurations, clusters and endpoints no longer subscribed to. */
  public void retainSubscribed() {
    routes.keySet().retainAll(routeNames());
    clusters.keySet().retainAll(clusterNames());
    endpoints.keySet().retainAll(endpointNames());
  }

  // --- assembly ----------------------------------------------------------------------------------

  /** The routes a listener's host has on its port now, or null when they are not in yet. */
  private @Nullable VirtualHostRoutes current(ListenerModel l) {
    RouteTable table = l.inlineRoutes() != null ? l.inlineRoutes() : routes.get(l.rdsName());
    return table == null ? null : VirtualHosts.select(table.virtualHosts(), l.host(), l.port());
  }

  private boolean ready(ClusterName c) {
    ClusterModel m = clusters.get(c.toString());
    return m != null && (m.edsName() == null || endpoints.containsKey(m.edsName()));
  }

  /**
   * Whether a host's routes received are all in (every route configuration of its listeners) and
   * every cluster they name has its CDS and EDS resources.
   */
  private boolean warm(List<ListenerModel> hostListeners) {
    for (ListenerModel l : hostListeners) {
      VirtualHostRoutes vh = current(l);
      if (vh == null) {
        RouteTable table = l.inlineRoutes() != null ? l.inlineRoutes() : routes.get(l.rdsName());
        if (table == null) {
          return false; // a table without a virtual host for this host is complete: no routes
        }
        continue;
      }
      for (MappedRoute r : vh.routes()) {
        for (ClusterName c : r.clusters()) {
          if (!ready(c)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private Map<String, List<ListenerModel>> listenersByHost() {
    Map<String, List<ListenerModel>> byHost = new TreeMap<>();
    for (ListenerModel l : listeners.values()) {
      byHost.computeIfAbsent(l.host(), h -> new ArrayList<>()).add(l);
    }
    return byHost;
  }

  /**
   * Whether what was read since the last assembly took away a cluster, or its endpoints, that a
   * host's routes in force need, while the host's routes received do not replace them yet — as
   * when a push's CDS response drops a subset before its RDS response moves the routes off it.
   * Applied now, requests on those routes would find no cluster; the rest of the push (routes that
   * leave the cluster, or the cluster's new endpoints) is still to come. A host whose listener is
   * gone, or whose new routes are warm, is not held back by its old routes.
   */
  public boolean takesAwayWhatRoutesInForceNeed() {
    Map<String, List<ListenerModel>> byHost = listenersByHost();
    for (Map.Entry<String, Map<Integer, Published>> e : published.entrySet()) {
      List<ListenerModel> hostListeners = byHost.get(e.getKey());
      if (hostListeners == null || warm(hostListeners)) {
        continue;
      }
      for (Published p : e.getValue().values()) {
        for (MappedRoute r : p.routes().routes()) {
          for (ClusterName c : r.clusters()) {
            if (readyInForce.contains(c.toString()) && !ready(c)) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  /**
   * Assembles the view at {@code now} (the mesh's ticker), publishing warm hosts' routes; a host
   * whose new routes are not warm yet waits from {@code pendingFrom} (when they arrived) at most
   * the warming timeout.
   */
  public Assembly assemble(long now, long pendingFrom) {
    Map<String, List<ListenerModel>> byHost = listenersByHost();
    published.keySet().retainAll(byHost.keySet());
    pendingSince.keySet().retainAll(byHost.keySet());
    boolean allWarm = true;
    long deadline = Long.MAX_VALUE;
    for (Map.Entry<String, List<ListenerModel>> e : byHost.entrySet()) {
      String host = e.getKey();
      Map<Integer, Published> now2 = new TreeMap<>();
      boolean warm = warm(e.getValue());
      for (ListenerModel l : e.getValue()) {
        VirtualHostRoutes vh = current(l);
        if (vh == null) {
          continue;
        }
        Set<String> origins = new LinkedHashSet<>();
        origins.add("LDS " + l.name());
        if (l.rdsName() != null) {
          origins.add("RDS " + l.rdsName());
        }
        VirtualHostRoutes effective = l.faultFilter() ? vh : withoutFaults(vh);
        now2.put(l.port(), new Published(effective, origins));
      }
      Long since = pendingSince.get(host);
      if (!warm && since == null) {
        since = Math.min(now, pendingFrom);
        pendingSince.put(host, since);
      }
      if (warm || now - since >= warmTimeoutNanos) {
        published.put(host, now2);
        pendingSince.remove(host);
      } else {
        allWarm = false;
        deadline = Math.min(deadline, since + warmTimeoutNanos);
      }
    }
    readyInForce.clear();
    for (Map<Integer, Published> ports : published.values()) {
      for (Published p : ports.values()) {
        for (MappedRoute r : p.routes().routes()) {
          for (ClusterName c : r.clusters()) {
            if (ready(c)) {
              readyInForce.add(c.toString());
            }
          }
        }
      }
    }

    Map<ResourceKey, IstioResource> resources = new LinkedHashMap<>();
    Map<ResourceKey, Set<String>> origins = new LinkedHashMap<>();
    Map<String, ConsistentHashLb> hashKeys = new LinkedHashMap<>();
    for (Map.Entry<String, Map<Integer, Published>> e : published.entrySet()) {
      VirtualService vs = virtualService(e.getKey(), e.getValue(), origins, hashKeys);
      if (vs != null) {
        resources.put(ResourceKey.of(vs), vs);
      }
    }
    Map<String, Map<Integer, List<ClusterModel>>> clustersByHost = new TreeMap<>();
    for (ClusterModel c : clusters.values()) {
      clustersByHost.computeIfAbsent(c.id().host(), h -> new TreeMap<>())
          .computeIfAbsent(c.id().port(), p -> new ArrayList<>()).add(c);
    }
    Map<String, ServiceEndpoints> services = new LinkedHashMap<>();
    // A host is given to the mesh once its routes are published: before, its requests keep going
    // where they went (a new host is not routed half-configured).
    Set<String> hosts = new TreeSet<>(published.keySet());
    for (String host : clustersByHost.keySet()) {
      if (!byHost.containsKey(host)) {
        hosts.add(host);
      }
    }
    for (String host : hosts) {
      Map<Integer, List<ClusterModel>> ports = clustersByHost.getOrDefault(host, Map.of());
      DestinationRule dr = destinationRule(host, ports, hashKeys, origins);
      if (dr != null) {
        resources.put(ResourceKey.of(dr), dr);
      }
      services.put(host, service(host, byHost.getOrDefault(host, List.of()), ports));
    }
    return new Assembly(resources, services, origins, allWarm, deadline);
  }

  private static VirtualHostRoutes withoutFaults(VirtualHostRoutes vh) {
    List<MappedRoute> out = new ArrayList<>();
    for (MappedRoute r : vh.routes()) {
      HttpRoute h = r.route();
      if (h.fault() != null) {
        h = new HttpRoute(h.name(), h.match(), h.route(), h.redirect(), h.directResponse(), h.delegate(),
            h.rewrite(), h.timeout(), h.retries(), null, h.mirrors(), h.headers());
      }
      out.add(new MappedRoute(h, r.clusters(), r.hash(), r.istioConfig()));
    }
    return new VirtualHostRoutes(vh.name(), vh.domains(), out);
  }

  private @Nullable VirtualService virtualService(String host, Map<Integer, Published> ports,
      Map<ResourceKey, Set<String>> origins, Map<String, ConsistentHashLb> hashKeys) {
    List<HttpRoute> http = new ArrayList<>();
    Set<String> from = new LinkedHashSet<>();
    Set<String> istio = new TreeSet<>();
    boolean portMatch = ports.size() > 1;
    for (Map.Entry<Integer, Published> e : ports.entrySet()) {
      from.addAll(e.getValue().origins());
      for (MappedRoute r : e.getValue().routes().routes()) {
        if (r.istioConfig() != null) {
          istio.add(r.istioConfig());
        }
        if (r.hash() != null && r.clusters().size() >= 1) {
          hashKeys.putIfAbsent(r.clusters().get(0).toString(), r.hash());
        }
        http.add(portMatch ? onPort(r.route(), e.getKey()) : r.route());
      }
    }
    if (http.isEmpty()) {
      return null;
    }
    VirtualService.Builder b = VirtualService.builder(host).namespace(namespaceOf(host)).hosts(host).http(http)
        .origin(new ConfigOrigin("istiod " + host, 1));
    if (!istio.isEmpty()) {
      b.annotation(ISTIO_CONFIG_ANNOTATION, String.join(",", istio));
    }
    VirtualService vs = b.build();
    origins.put(ResourceKey.of(vs), from);
    return vs;
  }

  /** The route, matching only requests addressed to {@code port} (a host with several ports). */
  private static HttpRoute onPort(HttpRoute r, int port) {
    List<HttpMatchRequest> matches = new ArrayList<>();
    if (r.match().isEmpty()) {
      matches.add(HttpMatchRequest.builder().port(port).build());
    } else {
      for (HttpMatchRequest m : r.match()) {
        matches.add(m.toBuilder().port(port).build());
      }
    }
    return new HttpRoute(r.name(), matches, r.route(), r.redirect(), r.directResponse(), r.delegate(),
        r.rewrite(), r.timeout(), r.retries(), r.fault(), r.mirrors(), r.headers());
  }

  private @Nullable DestinationRule destinationRule(String host, Map<Integer, List<ClusterModel>> ports,
      Map<String, ConsistentHashLb> hashKeys, Map<ResourceKey, Set<String>> origins) {
    if (ports.isEmpty()) {
      return null;
    }
    DestinationRule supplement = supplements.get(host);
    List<PortTrafficPolicy> defaults = new ArrayList<>();
    Map<String, List<PortTrafficPolicy>> subsets = new TreeMap<>();
    Set<String> from = new LinkedHashSet<>();
    for (Map.Entry<Integer, List<ClusterModel>> e : ports.entrySet()) {
      for (ClusterModel c : e.getValue()) {
        from.add("CDS " + c.name());
        TrafficPolicy filler = supplement != null ? Supplements.effective(supplement, c.id().subset(), c.id().port())
            : companion ? TrafficPolicy.EMPTY : null;
        @Nullable PortTrafficPolicy policy = policy(c, hashKeys.get(c.name()), filler);
        if (c.id().subset() == null) {
          if (policy != null) {
            defaults.add(policy);
          }
        } else {
          List<PortTrafficPolicy> list = subsets.computeIfAbsent(c.id().subset(), s -> new ArrayList<>());
          if (policy != null) {
            list.add(policy);
          }
        }
      }
    }
    DestinationRule.Builder b = DestinationRule.builder(host).namespace(namespaceOf(host)).host(host)
        .origin(new ConfigOrigin("istiod " + host, 1));
    if (!defaults.isEmpty()) {
      b.trafficPolicy(TrafficPolicy.builder().portLevelSettings(defaults));
    }
    for (Map.Entry<String, List<PortTrafficPolicy>> s : subsets.entrySet()) {
      Subset.Builder subset = Subset.builder().name(s.getKey()).label(SUBSET_LABEL_PREFIX + s.getKey(), "true");
      if (!s.getValue().isEmpty()) {
        subset.trafficPolicy(TrafficPolicy.builder().portLevelSettings(s.getValue()));
      }
      b.subsets(subset);
    }
    DestinationRule dr = b.build();
    origins.put(ResourceKey.of(dr), from);
    return dr;
  }

  /**
   * One cluster's policy, filled in from a companion DestinationRule where istiod sent nothing;
   * null when neither sets anything (Istio's validation refuses a port-level entry without a field).
   */
  private static @Nullable PortTrafficPolicy policy(ClusterModel c, @Nullable ConsistentHashLb key,
      @Nullable TrafficPolicy supplement) {
    @Nullable LoadBalancerSettings lb = c.loadBalancer();
    if (c.hashing()) {
      ConsistentHashLb algorithm = lb.consistentHash();
      if (key == null || algorithm == null) {
        // Envoy's ring hash and Maglev pick at random when no route gives a hash key.
        lb = LoadBalancerSettings.simple(LoadBalancerSettings.SimpleLb.RANDOM);
      } else {
        ConsistentHashLb.Builder h = key.toBuilder();
        if (algorithm.maglev()) {
          h.maglev(algorithm.maglevTableSize() == null ? ConsistentHashLb.DEFAULT_MAGLEV_TABLE_SIZE
              : algorithm.maglevTableSize());
        } else {
          h.ringHash(algorithm.ringHashMinimumRingSize() == null ? 0 : algorithm.ringHashMinimumRingSize());
        }
        lb = LoadBalancerSettings.builder().consistentHash(h).build();
      }
    }
    ConnectionPoolSettings pool = c.connectionPool();
    OutlierDetection outlier = c.outlierDetection();
    ClientTlsSettings tls = c.tls();
    if (supplement != null) {
      if (c.defaultLoadBalancer()) {
        // istiod writes no lb_policy for ROUND_ROBIN, UNSPECIFIED, RANDOM and PASSTHROUGH alike: the
        // DestinationRule says which (none: Istio's default, as for a sidecar).
        lb = supplement.loadBalancer();
      }
      if (supplement.connectionPool() != null) {
        pool = supplement.connectionPool();
      }
      if (outlier == null) {
        outlier = supplement.outlierDetection();
      }
      if (tls == null) {
        tls = supplement.tls();
      }
    }
    if (lb == null && pool == null && outlier == null && tls == null) {
      return null;
    }
    PortTrafficPolicy.Builder p = PortTrafficPolicy.builder().port(c.id().port());
    if (lb != null) {
      p.loadBalancer(lb);
    }
    if (pool != null) {
      p.connectionPool(pool);
    }
    if (outlier != null) {
      p.outlierDetection(outlier);
    }
    if (tls != null) {
      p.tls(tls);
    }
    return p.build();
  }

  private ServiceEndpoints service(String host, List<ListenerModel> listeners, Map<Integer, List<ClusterModel>> ports) {
    ServiceEndpoints.Builder b = ServiceEndpoints.builder(host, namespaceOf(host));
    Set<Integer> numbers = new TreeSet<>();
    listeners.forEach(l -> numbers.add(l.port()));
    numbers.addAll(ports.keySet());
    for (int port : numbers) {
      b.port(new ServicePort(port, "HTTP", "http-" + port, null));
      Map<String, Endpoint> merged = new LinkedHashMap<>();
      List<ClusterModel> clusters = new ArrayList<>(ports.getOrDefault(port, List.of()));
      // The default cluster first: its endpoints' weights and localities are the service's.
      clusters.sort(Comparator.comparing((ClusterModel c) -> c.id().subset() != null)
          .thenComparing(c -> c.id().subset() == null ? "" : c.id().subset()));
      for (ClusterModel c : clusters) {
        List<Endpoint> list = c.inlineEndpoints() != null ? c.inlineEndpoints()
            : endpoints.getOrDefault(c.edsName(), List.of());
        for (Endpoint ep : list) {
          Endpoint known = merged.get(ep.hostPort());
          Endpoint base = known != null ? known : ep;
          merged.put(ep.hostPort(), c.id().subset() == null ? base
              : base.withLabel(SUBSET_LABEL_PREFIX + c.id().subset(), "true"));
        }
      }
      if (!merged.isEmpty()) {
        b.endpoint(port, merged.values().toArray(Endpoint[]::new));
      }
    }
    return b.build();
  }

  /** {@code reviews.default.svc.cluster.local} is in {@code default}; other hosts in the workload's. */
  String namespaceOf(String host) {
    String suffix = ".svc." + domainSuffix;
    if (host.endsWith(suffix)) {
      String rest = host.substring(0, host.length() - suffix.length());
      int dot = rest.lastIndexOf('.');
      if (dot > 0) {
        return rest.substring(dot + 1);
      }
    }
    return defaultNamespace;
  }

  /** Resolves a host as written in a resource of {@code namespace} to its FQDN, as Istio does. */
  String fqdn(String host, String namespace) {
    return host.indexOf('.') < 0 ? host + "." + (namespace.isEmpty() ? defaultNamespace : namespace) + ".svc."
        + domainSuffix : host;
  }
}
