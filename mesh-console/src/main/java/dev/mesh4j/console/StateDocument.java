package dev.mesh4j.console;

import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.MeshSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The console's JSON document ({@code GET …/state}): what {@link Mesh#describe()} holds, joined
 * with the live stats — the services this workload called in the last minute, the versions that
 * answered, configured against observed splits, circuit breaking at work, the timeline.
 * docs/console.md documents every field. Built on each poll; nothing here is on the request path.
 */
final class StateDocument {
  /** A cluster counts as shedding while it shed a request within this many seconds. */
  static final int SHED_RECENT_SECONDS = 10;
  /** Egress hosts listed per node at most, busiest first. */
  static final int HOSTS_SHOWN = 20;

  private final Mesh mesh;
  private final LiveStats stats;
  private final MeshSummary summary;
  private final long now;
  private final int span;
  private final Map<String, MeshSummary.Cluster> clusters = new LinkedHashMap<>();
  private final Map<String, MeshSummary.Service> services = new LinkedHashMap<>();

  private StateDocument(Mesh mesh, LiveStats stats) {
    this.mesh = mesh;
    this.stats = stats;
    this.summary = mesh.describe();
    this.now = stats.now();
    this.span = stats.coveredSeconds(now);
    summary.clusters().forEach(c -> clusters.put(c.name(), c));
    summary.services().forEach(s -> services.put(s.host(), s));
  }

  static String build(Mesh mesh, LiveStats stats) {
    return new StateDocument(mesh, stats).write();
  }

  private String write() {
    Json j = new Json().beginObject();
    j.name("console").beginObject()
        .field("generatedAt", mesh.clock().instant().toString())
        .field("windowSeconds", Window.SECONDS)
        .field("coveredSeconds", span)
        .endObject();
    workload(j, mesh.workload());
    j.name("mesh").beginObject().field("version", summary.version());
    strings(j, "warnings", summary.warnings());
    strings(j, "rejected", summary.rejected());
    j.name("sources").beginArray();
    for (SourceStatus s : summary.sources()) {
      j.beginObject().field("source", s.source()).field("state", s.state().name()).field("message", s.message())
          .field("since", s.since().toString()).endObject();
    }
    j.endArray().endObject();
    j.name("services").beginArray();
    for (LiveStats.ServiceStats s : active()) {
      service(j, s);
    }
    j.endArray();
    j.name("timeline").beginArray();
    for (Timeline.Entry e : stats.timeline.entries()) {
      j.beginObject().field("seq", e.seq()).field("time", e.time().toString()).field("kind", e.kind())
          .field("subject", e.subject()).field("text", e.text()).endObject();
    }
    j.endArray().field("timelineDropped", stats.timeline.dropped());
    return j.endObject().toString();
  }

  private static void workload(Json j, Workload w) {
    String app = w.labels().get("app");
    j.name("workload").beginObject()
        .field("name", w.name() != null ? w.name() : app != null ? app : "this workload")
        .field("namespace", w.namespace())
        .field("app", app)
        .field("version", w.labels().get("version"))
        .endObject();
  }

  /** Services with requests in the window: services by host, then the egress nodes. */
  private List<LiveStats.ServiceStats> active() {
    List<LiveStats.ServiceStats> out = new ArrayList<>();
    for (LiveStats.ServiceStats s : stats.services().values()) {
      if (s.requests.totals(now, span).requests() > 0) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparing((LiveStats.ServiceStats s) -> !s.kind.equals("service")).thenComparing(s -> s.key));
    return out;
  }

  private void service(Json j, LiveStats.ServiceStats s) {
    MeshSummary.Service config = services.get(s.key);
    Window.Totals t = s.requests.totals(now, span);
    j.beginObject()
        .field("id", "service:" + s.key)
        .field("kind", s.kind)
        .field("host", s.key)
        .field("name", shortName(s.key))
        .field("namespace", config == null ? null : config.namespace())
        .field("virtualService", config == null ? null : config.virtualService());
    stats(j, "stats", t);
    j.field("faultsInjected", s.faults.totals(now, span).requests());
    List<String> faults = new ArrayList<>();
    if (config != null) {
      for (MeshSummary.Route r : config.routes()) {
        if (r.fault() != null) {
          faults.add(r.route() + ": " + r.fault());
        }
      }
    }
    strings(j, "faults", faults);
    if (s.hosts != null) {
      hosts(j, s.hosts);
    }
    List<VersionNode> versions = versions(s, config);
    long answered = versions.stream().mapToLong(v -> v.totals == null ? 0 : v.totals.requests()).sum();
    j.field("mtls", !versions.isEmpty() && versions.stream().allMatch(StateDocument::mtls));
    j.field("circuitBreakerTripped", versions.stream().anyMatch(v -> v.tripped));
    routes(j, s, config);
    j.name("versions").beginArray();
    for (VersionNode v : versions) {
      version(j, v, answered);
    }
    j.endArray();
    j.endObject();
  }

  private void hosts(Json j, Map<String, Window> hosts) {
    List<Map.Entry<String, Long>> counted = new ArrayList<>();
    hosts.forEach((h, w) -> {
      long n = w.totals(now, span).requests();
      if (n > 0) {
        counted.add(Map.entry(h, n));
      }
    });
    counted.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    j.name("hosts").beginArray();
    for (Map.Entry<String, Long> e : counted.subList(0, Math.min(HOSTS_SHOWN, counted.size()))) {
      j.beginObject().field("host", e.getKey()).field("requests", e.getValue()).endObject();
    }
    j.endArray().field("hostsNotShown", Math.max(0, counted.size() - HOSTS_SHOWN));
  }

  /** The routes of the service's VirtualService (or its default route), configured against observed. */
  private void routes(Json j, LiveStats.ServiceStats s, MeshSummary.@Nullable Service config) {
    j.name("routes").beginArray();
    if (config != null) {
      for (MeshSummary.Route r : config.routes()) {
        Map<String, Window> observed = s.routes.getOrDefault(r.name(), Map.of());
        long total = 0;
        Map<String, Long> byCluster = new LinkedHashMap<>();
        for (Map.Entry<String, Window> e : observed.entrySet()) {
          long n = e.getValue().totals(now, span).requests();
          byCluster.put(e.getKey(), n);
          total += n;
        }
        int weights = r.destinations().stream().mapToInt(MeshSummary.Destination::weight).sum();
        j.beginObject().field("route", r.route()).field("name", r.name()).field("action", r.action().name())
            .field("fault", r.fault()).field("requests", total);
        j.name("split").beginArray();
        for (MeshSummary.Destination d : r.destinations()) {
          long n = 0;
          for (String cluster : clustersOf(d)) {
            n += byCluster.getOrDefault(cluster, 0L);
          }
          j.beginObject().field("host", d.host()).field("subset", d.subset())
              .name("port");
          if (d.port() == null) {
            j.value((String) null);
          } else {
            j.value(d.port().longValue());
          }
          j.field("weight", d.weight())
              .field("configuredPercent", weights == 0 ? 0 : 100.0 * d.weight() / weights)
              .field("requests", n)
              .field("observedPercent", total == 0 ? Double.NaN : 100.0 * n / total)
              .endObject();
        }
        j.endArray().endObject();
      }
    }
    j.endArray();
  }

  /** The clusters a destination can use: its subset of its service, on its port or on any. */
  private List<String> clustersOf(MeshSummary.Destination d) {
    List<String> out = new ArrayList<>();
    for (MeshSummary.Cluster c : clusters.values()) {
      if (c.service().equals(d.host()) && java.util.Objects.equals(c.subset(), d.subset())
          && (d.port() == null || d.port() == c.port())) {
        out.add(c.name());
      }
    }
    return out;
  }

  /**
   * One node per (cluster, version label): the clusters the service's routes send to, with the
   * versions of their endpoints, and any (cluster, version) that answered in the window.
   */
  private List<VersionNode> versions(LiveStats.ServiceStats s, MeshSummary.@Nullable Service config) {
    Map<String, VersionNode> nodes = new LinkedHashMap<>();
    Set<String> destinationClusters = new LinkedHashSet<>();
    Map<String, Double> configuredShare = new LinkedHashMap<>();
    Map<String, Integer> routesUsing = new LinkedHashMap<>();
    if (config != null) {
      for (MeshSummary.Route r : config.routes()) {
        int weights = r.destinations().stream().mapToInt(MeshSummary.Destination::weight).sum();
        for (MeshSummary.Destination d : r.destinations()) {
          for (String c : clustersOf(d)) {
            destinationClusters.add(c);
            routesUsing.merge(c, 1, Integer::sum);
            configuredShare.merge(c, weights == 0 ? 0 : 100.0 * d.weight() / weights, Double::sum);
          }
        }
      }
    }
    for (String name : destinationClusters) {
      MeshSummary.Cluster c = clusters.get(name);
      Set<String> versions = new LinkedHashSet<>();
      for (MeshSummary.Endpoint e : c.endpoints()) {
        versions.add(e.labels().getOrDefault("version", LiveStats.UNKNOWN_VERSION));
      }
      if (versions.isEmpty()) {
        versions.add(c.subset() != null ? c.subset() : LiveStats.UNKNOWN_VERSION);
      }
      for (String v : versions) {
        nodes.computeIfAbsent(name + "\n" + v, k -> new VersionNode(name, c, v));
      }
    }
    for (LiveStats.ClusterStats cs : stats.clusters().values()) {
      MeshSummary.Cluster c = clusters.get(cs.name);
      boolean ours = c != null ? c.service().equals(s.key) : cs.name.endsWith("|" + s.key);
      if (!ours) {
        continue;
      }
      cs.versions.forEach((v, w) -> {
        if (w.totals(now, span).requests() > 0) {
          nodes.computeIfAbsent(cs.name + "\n" + v, k -> new VersionNode(cs.name, c, v));
        }
      });
    }
    for (VersionNode n : nodes.values()) {
      LiveStats.ClusterStats cs = stats.clusters().get(n.name);
      Window w = cs == null ? null : cs.versions.get(n.version);
      n.totals = w == null ? null : w.totals(now, span);
      n.shedRecent = cs == null ? 0 : cs.sheds.totals(now, SHED_RECENT_SECONDS).requests();
      n.shed = cs == null ? 0 : cs.sheds.totals(now, span).requests();
      if (n.cluster != null) {
        for (MeshSummary.Endpoint e : n.cluster.endpoints()) {
          if (n.version.equals(e.labels().getOrDefault("version", LiveStats.UNKNOWN_VERSION)) && e.ejected()) {
            n.ejected++;
          }
        }
      }
      Long mutual = cs == null ? null : cs.mutualTlsSeen.get(n.version);
      n.mutualTlsObserved = mutual != null && now - mutual <= span * 1_000_000_000L;
      n.circuitBreaker = n.cluster != null && (n.cluster.outlierDetection() != null || n.cluster.connectionPool() != null);
      n.tripped = n.ejected > 0 || n.shedRecent > 0;
      // A configured share belongs to a version when one route alone sends to its cluster and the
      // cluster's endpoints are all of this version (a subset), as in a canary split.
      boolean alone = n.cluster != null && n.cluster.endpoints().stream()
          .allMatch(e -> n.version.equals(e.labels().getOrDefault("version", LiveStats.UNKNOWN_VERSION)));
      n.configuredPercent = routesUsing.getOrDefault(n.name, 0) == 1 && alone ? configuredShare.get(n.name) : null;
    }
    return new ArrayList<>(nodes.values());
  }

  private void version(Json j, VersionNode v, long answered) {
    MeshSummary.Cluster c = v.cluster;
    j.beginObject()
        .field("id", "version:" + v.name + "|" + v.version)
        .field("version", v.version)
        .field("cluster", v.name)
        .field("subset", c == null ? null : c.subset())
        .field("port", c == null ? 0 : c.port())
        .field("loadBalancer", c == null ? null : c.loadBalancer());
    stats(j, "stats", v.totals);
    j.field("configuredPercent", v.configuredPercent == null ? Double.NaN : v.configuredPercent)
        .field("observedPercent", answered == 0 || v.totals == null ? Double.NaN : 100.0 * v.totals.requests() / answered)
        .field("tls", c == null ? null : c.tls())
        .field("mtls", mtls(v))
        .field("failure", c == null ? null : c.failure());
    j.name("circuitBreaker").beginObject()
        .field("configured", v.circuitBreaker)
        .field("outlierDetection", c == null ? null : c.outlierDetection())
        .field("connectionPool", c == null ? null : c.connectionPool())
        .field("tripped", v.tripped)
        .field("ejected", v.ejected)
        .field("shedLast10s", v.shedRecent)
        .field("shed", v.shed)
        .endObject();
    j.name("endpoints").beginArray();
    if (c != null) {
      for (MeshSummary.Endpoint e : c.endpoints()) {
        if (!v.version.equals(e.labels().getOrDefault("version", LiveStats.UNKNOWN_VERSION))) {
          continue;
        }
        j.beginObject().field("address", e.address()).field("weight", e.weight())
            .field("ejected", e.ejected()).field("ejections", e.ejections())
            .field("ejectionTimeLeftMs", e.ejectionTimeLeft().toMillis())
            .field("activeRequests", e.activeRequests()).endObject();
      }
    }
    j.endArray().endObject();
  }

  /**
   * Whether a version's traffic travels over mutual TLS: as Kiali draws its lock from the traffic
   * ({@code connection_security_policy}), responses of the window came over mutual TLS mesh4j
   * originated (auto mTLS, which no TLS mode shows, included); or the cluster is configured for it.
   */
  private static boolean mtls(VersionNode v) {
    return v.mutualTlsObserved || v.cluster != null && mtls(v.cluster);
  }

  /**
   * Whether requests to the cluster are configured to travel over mutual TLS: its DestinationRule's
   * TLS mode is {@code MUTUAL} (a client certificate of the rule's) or {@code ISTIO_MUTUAL} (this
   * workload's identity), and the cluster can originate it. An {@code ISTIO_MUTUAL} cluster without
   * a workload identity fails every request locally ({@code failure}): no lock, the failure shows
   * instead.
   */
  static boolean mtls(MeshSummary.Cluster c) {
    return ("MUTUAL".equals(c.tls()) || "ISTIO_MUTUAL".equals(c.tls())) && c.failure() == null;
  }

  private void stats(Json j, String name, Window.@Nullable Totals t) {
    long requests = t == null ? 0 : t.requests();
    long errors = t == null ? 0 : t.errors();
    j.name(name).beginObject()
        .field("requests", requests)
        .field("rate", requests / (double) span)
        .field("errors", errors)
        .field("errorRate", requests == 0 ? 0 : (double) errors / requests)
        .field("p50Ms", t == null ? Double.NaN : t.quantileMillis(0.5))
        .field("p99Ms", t == null ? Double.NaN : t.quantileMillis(0.99))
        .endObject();
  }

  private static void strings(Json j, String name, List<String> values) {
    j.name(name).beginArray();
    values.forEach(j::value);
    j.endArray();
  }

  /** {@code reviews} of {@code reviews.default.svc.cluster.local}; other hosts as they are. */
  static String shortName(String host) {
    int svc = host.indexOf(".svc.");
    if (svc > 0) {
      int dot = host.indexOf('.');
      return host.substring(0, dot);
    }
    return host;
  }

  /** A version node being built. */
  private static final class VersionNode {
    final String name;
    final MeshSummary.@Nullable Cluster cluster;
    final String version;
    Window.@Nullable Totals totals;
    long shedRecent;
    long shed;
    int ejected;
    boolean circuitBreaker;
    boolean tripped;
    /** Responses of the window came over mutual TLS (auto mTLS shows here: its cluster has no TLS mode). */
    boolean mutualTlsObserved;
    @Nullable Double configuredPercent;

    VersionNode(String name, MeshSummary.@Nullable Cluster cluster, String version) {
      this.name = name;
      this.cluster = cluster;
      this.version = version;
    }
  }
}
