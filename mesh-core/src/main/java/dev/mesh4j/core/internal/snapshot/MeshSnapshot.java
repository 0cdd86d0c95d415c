package dev.mesh4j.core.internal.snapshot;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.cluster.ClusterKey;
import dev.mesh4j.core.internal.cluster.ClusterSlot;
import dev.mesh4j.core.internal.cluster.ClusterTable;
import dev.mesh4j.core.internal.cluster.DestinationRuleIndex;
import dev.mesh4j.core.internal.discovery.Service;
import dev.mesh4j.core.internal.discovery.ServiceCatalog;
import dev.mesh4j.core.internal.routing.CompiledRoute;
import dev.mesh4j.core.internal.routing.CompiledVirtualService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One compiled configuration and endpoint set: everything a request needs. A request reads the
 * current snapshot once and uses it to the end, so a reload or an endpoint change never changes
 * a request in flight.
 *
 * <p>Immutable and thread-safe (the host cache is a concurrent cache of pure lookups). Routes
 * name clusters by {@link ClusterSlot}, and the clusters are in this snapshot's
 * {@link ClusterTable}: routes and endpoints are published together, by the one reference swap
 * that publishes a snapshot, so a request never sees routes of one update with endpoints of
 * another, and nothing of an update is visible before the whole update is compiled. An
 * endpoint-only change makes a {@linkplain SnapshotCompiler#withEndpoints copy} with a new table
 * that shares everything else, the host cache included; a change of VirtualServices only makes a
 * {@linkplain #withRoutes copy} with new routes over the same slots.
 */
public final class MeshSnapshot {
  /** Bounds the per-host cache: unknown hosts (passthrough) must not grow it without limit. */
  private static final int HOST_CACHE_SIZE = 10_000;

  private final long version;
  private final MeshConfig config;
  private final Workload workload;
  private final ServiceCatalog catalog;
  private final Map<ClusterKey, ClusterSlot> clusters;
  /** The cluster of each slot, at the slot's index. */
  private final ClusterTable table;
  /** The slots of each service's clusters, by canonical host name (for endpoint updates). */
  private final Map<String, List<ClusterSlot>> slotsByService;
  private final VirtualHostIndex virtualHosts;
  private final Map<String, CompiledRoute> defaultRoutes;
  private final Map<String, CompiledRoute> connectionDefaultRoutes;
  private final DestinationRuleIndex rules;
  private final OutboundTrafficPolicy outboundPolicy;
  private final List<ConfigProblem> warnings;
  private final Cache<String, HostEntry> hosts;

  MeshSnapshot(long version, MeshConfig config, Workload workload, ServiceCatalog catalog,
      Map<ClusterKey, ClusterSlot> clusters, ClusterTable table, VirtualHostIndex virtualHosts,
      Map<String, CompiledRoute> defaultRoutes, Map<String, CompiledRoute> connectionDefaultRoutes,
      DestinationRuleIndex rules,
      OutboundTrafficPolicy outboundPolicy, List<ConfigProblem> warnings) {
    this.version = version;
    this.config = config;
    this.workload = workload;
    this.catalog = catalog;
    this.clusters = Map.copyOf(clusters);
    this.table = table;
    Map<String, List<ClusterSlot>> byService = new LinkedHashMap<>();
    clusters.forEach((key, slot) -> byService.computeIfAbsent(key.host(), h -> new java.util.ArrayList<>()).add(slot));
    byService.replaceAll((h, slots) -> List.copyOf(slots));
    this.slotsByService = Map.copyOf(byService);
    this.virtualHosts = virtualHosts;
    this.defaultRoutes = Map.copyOf(defaultRoutes);
    this.connectionDefaultRoutes = Map.copyOf(connectionDefaultRoutes);
    this.rules = rules;
    this.outboundPolicy = outboundPolicy;
    this.warnings = List.copyOf(warnings);
    this.hosts = Caffeine.newBuilder().maximumSize(HOST_CACHE_SIZE).build();
  }

  private MeshSnapshot(MeshSnapshot base, long version, ClusterTable table) {
    this.version = version;
    this.config = base.config;
    this.workload = base.workload;
    this.catalog = base.catalog;
    this.clusters = base.clusters;
    this.table = table;
    this.slotsByService = base.slotsByService;
    this.virtualHosts = base.virtualHosts;
    this.defaultRoutes = base.defaultRoutes;
    this.connectionDefaultRoutes = base.connectionDefaultRoutes;
    this.rules = base.rules;
    this.outboundPolicy = base.outboundPolicy;
    this.warnings = base.warnings;
    this.hosts = base.hosts;
  }

  /**
   * A snapshot with new routes over this one's services, clusters and default routes (after a
   * change of VirtualServices only): those are shared, the cluster slots and table included; the
   * host cache starts empty, as hosts now resolve to the new routes.
   */
  MeshSnapshot withRoutes(long version, MeshConfig config, VirtualHostIndex virtualHosts,
      List<ConfigProblem> warnings) {
    return new MeshSnapshot(this, version, config, virtualHosts, warnings);
  }

  private MeshSnapshot(MeshSnapshot base, long version, MeshConfig config,
      VirtualHostIndex virtualHosts, List<ConfigProblem> warnings) {
    this.version = version;
    this.config = config;
    this.workload = base.workload;
    this.catalog = base.catalog;
    this.clusters = base.clusters;
    this.table = base.table;
    this.slotsByService = base.slotsByService;
    this.virtualHosts = virtualHosts;
    this.defaultRoutes = base.defaultRoutes;
    this.connectionDefaultRoutes = base.connectionDefaultRoutes;
    this.rules = base.rules;
    this.outboundPolicy = base.outboundPolicy;
    this.warnings = List.copyOf(warnings);
    this.hosts = Caffeine.newBuilder().maximumSize(HOST_CACHE_SIZE).build();
  }

  /**
   * This snapshot with another cluster table, under another version (after an endpoint-only
   * change): everything else shared, the host cache included.
   */
  MeshSnapshot withClusters(long version, ClusterTable table) {
    return new MeshSnapshot(this, version, table);
  }

  /** What a request host (lower case, no port) resolves to. Cached. */
  public HostEntry host(String host) {
    HostEntry e = hosts.getIfPresent(host);
    if (e == null) {
      e = hosts.get(host, this::resolve);
    }
    return e;
  }

  /**
   * What a request host resolves to on one port. Like a sidecar, whose virtual hosts are per
   * port: when the host's own service has no such port, the most specific wildcard service that
   * has it claims the request ({@code foo.bar.com:80} goes to {@code *.bar.com} when
   * {@code foo.bar.com} is declared on 8000 only).
   */
  public HostEntry host(String host, int port) {
    HostEntry e = host(host);
    Service s = e.service();
    if (s == null || s.port(port) != null) {
      return e;
    }
    Service w = catalog.lookupWildcard(host, port);
    return w == null ? e : new HostEntry(w, virtualHosts.forHost(w.hostname()), defaultRoutes.get(w.hostname()),
        connectionDefaultRoutes.get(w.hostname()));
  }

  private HostEntry resolve(String host) {
    Service s = catalog.lookup(host);
    if (s != null) {
      return new HostEntry(s, virtualHosts.forHost(s.hostname()), defaultRoutes.get(s.hostname()),
          connectionDefaultRoutes.get(s.hostname()));
    }
    return new HostEntry(null, virtualHosts.forHost(host), null, null);
  }

  public long version() {
    return version;
  }

  public MeshConfig config() {
    return config;
  }

  public Workload workload() {
    return workload;
  }

  public ServiceCatalog catalog() {
    return catalog;
  }

  /** The cluster of this snapshot for a key, or null. */
  public @Nullable Cluster cluster(ClusterKey key) {
    ClusterSlot slot = clusters.get(key);
    return slot == null ? null : slot.get(table);
  }

  /** Every cluster of this snapshot, by key. A copy, for tools. */
  public Map<ClusterKey, Cluster> clusters() {
    Map<ClusterKey, Cluster> out = new LinkedHashMap<>();
    clusters.forEach((k, slot) -> out.put(k, slot.get(table)));
    return out;
  }

  /** The clusters of this snapshot, where its routes' {@link ClusterSlot}s find them. */
  public ClusterTable clusterTable() {
    return table;
  }

  /** The slots of a service's clusters (empty when the service has none in this snapshot). */
  List<ClusterSlot> slots(String hostname) {
    return slotsByService.getOrDefault(hostname, List.of());
  }

  public @Nullable CompiledVirtualService virtualService(String hostname) {
    return virtualHosts.forHost(hostname);
  }

  public DestinationRuleIndex rules() {
    return rules;
  }

  public OutboundTrafficPolicy outboundPolicy() {
    return outboundPolicy;
  }

  /** Warnings from loading and compiling this snapshot. */
  public List<ConfigProblem> warnings() {
    return warnings;
  }
}
