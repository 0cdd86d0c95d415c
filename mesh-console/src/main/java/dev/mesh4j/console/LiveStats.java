package dev.mesh4j.console;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.core.observe.ConfigChange;
import dev.mesh4j.core.observe.EndpointEjection;
import dev.mesh4j.core.observe.EndpointsChange;
import dev.mesh4j.core.observe.MeshAttempt;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.observe.RetryDecision;
import dev.mesh4j.core.observe.RouteDecision;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The console's listener: what this workload's requests did over the last minute, per service
 * it called, per version that answered, per route destination, and the decisions the mesh made
 * (a bounded {@link Timeline}).
 *
 * <p>Memory is bounded whatever the traffic: keys come from configuration and endpoints
 * (services, clusters, routes, version labels), and every map stops admitting new keys at its
 * limit, counting later newcomers under {@link #OVERFLOW} — as mesh4j's metrics do with
 * request-derived label values. Hosts of passthrough traffic, which the application chooses,
 * are limited the same way.
 *
 * <p>Thread-safe. On the request path it costs a few hash lookups of strings the mesh already
 * holds and one short synchronized update per window; it allocates only when a key is seen for
 * the first time.
 */
final class LiveStats implements MeshListener {
  /** What a key past its map's limit is counted under; the underscore keeps it apart from host names. */
  static final String OVERFLOW = "mesh4j_overflow";
  static final String PASSTHROUGH = "PassthroughCluster";
  static final String BLACKHOLE = "BlackHoleCluster";
  /** The version of an endpoint without a {@code version} label, as Istio's telemetry reports it. */
  static final String UNKNOWN_VERSION = "unknown";
  static final int MAX_SERVICES = 100;
  static final int MAX_CLUSTERS = 200;
  static final int MAX_VERSIONS = 200;
  /** Route names kept, over all services; and (route, destination cluster) pairs kept. */
  static final int MAX_ROUTES = 500;
  static final int MAX_HOSTS = 100;

  private final Ticker ticker;
  private final Clock clock;
  private final long startNanos;
  private final Bounded<ServiceStats> services = new Bounded<>(MAX_SERVICES);
  private final Bounded<ClusterStats> clusters = new Bounded<>(MAX_CLUSTERS);
  private final AtomicInteger versions = new AtomicInteger();
  private final AtomicInteger routeNames = new AtomicInteger();
  private final AtomicInteger routes = new AtomicInteger();
  private final AtomicInteger hosts = new AtomicInteger();
  final Timeline timeline;

  LiveStats(Ticker ticker, Clock clock, int timelineSize) {
    this.ticker = ticker;
    this.clock = clock;
    this.startNanos = ticker.nanos();
    this.timeline = new Timeline(timelineSize);
  }

  /** Now, on the mesh's ticker. */
  long now() {
    return ticker.nanos();
  }

  /**
   * How many one-second buckets the windows cover now: from the second these stats started in
   * to the current one, at most a minute. Counted in whole seconds of the ticker, as the buckets
   * are: half a second after the start can already be the second bucket.
   */
  int coveredSeconds(long now) {
    long s = Math.floorDiv(now, 1_000_000_000L) - Math.floorDiv(startNanos, 1_000_000_000L) + 1;
    return (int) Math.max(1, Math.min(Window.SECONDS, s));
  }

  Map<String, ServiceStats> services() {
    return services.map;
  }

  Map<String, ClusterStats> clusters() {
    return clusters.map;
  }

  // ---- requests -----------------------------------------------------------------------------

  @Override
  public void requestEnded(MeshCall call) {
    RouteDecision r = call.route();
    if (r == null) {
      return;  // failed before routing: nothing to draw it under
    }
    long latency = Math.max(0, call.durationNanos());
    long end = call.startNanos() + latency;
    boolean error = call.status() == 0 || call.status() >= 500;
    ServiceStats s = service(r);
    s.requests.record(end, error, latency);
    if (s.hosts != null) {
      s.hosts.computeIfAbsent(admit(s.hosts, r.authority(), hosts, MAX_HOSTS), k -> Window.countsOnly()).count(end);
    }
    String routeName = r.routeName();
    if (routeName != null) {
      String cluster = r.cluster() == null ? "" : r.cluster();
      Map<String, Window> split = s.routes.get(routeName);
      if (split == null) {
        // Route names come from configuration, but each reload may bring new ones: bounded too.
        split = s.routes.computeIfAbsent(admit(s.routes, routeName, routeNames, MAX_ROUTES),
            k -> new ConcurrentHashMap<>());
      }
      Window w = split.get(cluster);
      if (w == null) {
        w = split.computeIfAbsent(admit(split, cluster, routes, MAX_ROUTES), k -> Window.countsOnly());
      }
      w.count(end);
    }
    MeshAttempt a = call.lastAttempt();
    Endpoint endpoint = a == null ? null : a.endpoint();
    if (r.cluster() != null && endpoint != null) {
      ClusterStats c = cluster(r.cluster());
      String version = endpoint.labels().getOrDefault("version", UNKNOWN_VERSION);
      Window w = c.versions.get(version);
      if (w == null) {
        w = c.versions.computeIfAbsent(admit(c.versions, version, versions, MAX_VERSIONS), k -> Window.withLatencies());
      }
      w.record(end, error, latency);
      if (call.peerPrincipal() != null && c.versions.containsKey(version)) {
        c.mutualTlsSeen.put(version, end);
      }
    }
  }

  @Override
  public void faultInjected(MeshCall call, String flag) {
    RouteDecision r = call.route();
    if (r != null) {
      service(r).faults.count(ticker.nanos());
    }
  }

  @Override
  public void overflow(MeshCall call, String cluster, String limit) {
    cluster(cluster).sheds.count(ticker.nanos());
    timeline.add(clock.instant(), "shed", cluster, "request to " + call.request().authority() + " shed: " + limit
        + " reached (503 UO)");
  }

  @Override
  public void retryDecided(MeshCall call, @Nullable MeshAttempt attempt, RetryDecision decision) {
    // Every attempt ends in a decision; the timeline keeps those that change something: a retry,
    // or the last word on a request that was retried.
    if (!decision.retry() && call.attempts() < 2) {
      return;
    }
    RouteDecision r = call.route();
    String subject = r == null || r.cluster() == null ? call.request().authority() : r.cluster();
    timeline.add(clock.instant(), decision.retry() ? "retry" : "no-retry", subject,
        (attempt == null ? "after waiting for a connection" : "after attempt " + attempt.number()
            + (attempt.endpoint() == null ? "" : " to " + attempt.endpoint().hostPort())
            + (attempt.failure() != null ? " (" + attempt.failure() + ")" : attempt.status() > 0 ? " (" + attempt.status() + ")" : ""))
            + ": " + (decision.retry() ? "retrying, " : "not retried, ") + decision.reason());
  }

  // ---- the mesh's own events ----------------------------------------------------------------

  @Override
  public void endpointEjected(EndpointEjection e) {
    timeline.add(e.time(), "ejected", e.cluster(), e.endpoint().hostPort() + " ejected (" + e.reason() + "), ejection "
        + e.ejections() + ", out for " + Text.duration(e.duration()));
  }

  @Override
  public void endpointReturned(EndpointEjection e) {
    timeline.add(e.time(), "returned", e.cluster(), e.endpoint().hostPort() + " returned (" + e.reason() + ") after "
        + Text.duration(e.duration()));
  }

  @Override
  public void configApplied(ConfigChange c) {
    timeline.add(c.time(), "config-applied", c.source(), "configuration version " + c.version() + " applied"
        + (c.problems().isEmpty() ? "" : ", " + c.problems().size() + " problem(s): " + c.problems().get(0)));
  }

  @Override
  public void configRejected(ConfigChange c) {
    timeline.add(c.time(), "config-rejected", c.source(), "update rejected, version " + c.version()
        + " keeps serving" + (c.problems().isEmpty() ? "" : ": " + c.problems().get(0)
        + (c.problems().size() > 1 ? " (+" + (c.problems().size() - 1) + " more)" : "")));
  }

  @Override
  public void endpointsChanged(EndpointsChange c) {
    timeline.add(c.time(), "endpoints", c.service(), c.endpoints() + " endpoint(s) now, from " + c.source());
  }

  // ---- keys ---------------------------------------------------------------------------------

  private ServiceStats service(RouteDecision r) {
    String key;
    String kind;
    switch (r.outcome()) {
      case PASSTHROUGH -> {
        key = r.service() != null ? r.service() : PASSTHROUGH;
        kind = r.service() != null ? "service" : "passthrough";
      }
      case BLACKHOLE -> {
        key = BLACKHOLE;
        kind = "blackhole";
      }
      default -> {
        String dest = r.destinationService() != null ? r.destinationService() : r.service();
        key = dest != null ? dest : r.authority();
        kind = "service";
      }
    }
    ServiceStats s = services.map.get(key);
    return s != null ? s : services.admit(key, k -> new ServiceStats(k, kind));
  }

  ClusterStats cluster(String name) {
    ClusterStats c = clusters.map.get(name);
    return c != null ? c : clusters.admit(name, ClusterStats::new);
  }

  /**
   * The key itself if its map has it or there is room (counted in {@code count} towards
   * {@code limit}, shared by all maps of its kind), else {@link #OVERFLOW}.
   */
  private static String admit(Map<String, ?> map, String key, AtomicInteger count, int limit) {
    if (map.containsKey(key)) {
      return key;
    }
    if (count.incrementAndGet() > limit) {
      count.decrementAndGet();
      return OVERFLOW;
    }
    return key;
  }

  /** A map that admits at most {@code limit} keys; later ones share the {@link #OVERFLOW} entry. */
  private static final class Bounded<V> {
    final ConcurrentHashMap<String, V> map = new ConcurrentHashMap<>();
    final AtomicInteger count = new AtomicInteger();
    final int limit;

    Bounded(int limit) {
      this.limit = limit;
    }

    V admit(String key, Function<String, V> make) {
      V v = map.get(key);
      if (v != null) {
        return v;
      }
      if (count.incrementAndGet() > limit) {
        count.decrementAndGet();
        return map.computeIfAbsent(OVERFLOW, make);
      }
      V made = make.apply(key);
      V raced = map.putIfAbsent(key, made);
      if (raced != null) {
        count.decrementAndGet();
        return raced;
      }
      return made;
    }
  }

  /**
   * What requests to one service (or to {@link #PASSTHROUGH} / {@link #BLACKHOLE}) did.
   *
   * @param key the service's host, or the egress node's name
   * @param kind {@code service}, {@code passthrough} or {@code blackhole}
   */
  static final class ServiceStats {
    final String key;
    final String kind;
    final Window requests = Window.withLatencies();
    final Window faults = Window.countsOnly();
    /** Per route (as {@link RouteDecision#routeName()}), requests per destination cluster ("" without one). */
    final Map<String, Map<String, Window>> routes = new ConcurrentHashMap<>();
    /** The hosts egress traffic addressed, for passthrough and blackhole nodes; null for services. */
    final @Nullable Map<String, Window> hosts;

    ServiceStats(String key, String kind) {
      this.key = key;
      this.kind = kind;
      this.hosts = kind.equals("service") ? null : new ConcurrentHashMap<>();
    }
  }

  /** What one cluster's endpoints answered, per endpoint {@code version} label, and what it shed. */
  static final class ClusterStats {
    final String name;
    final Map<String, Window> versions = new ConcurrentHashMap<>();
    /**
     * Per version (the keys {@link #versions} admitted), when a response last came over mutual TLS
     * mesh4j originated (the peer presented a SPIFFE identity), on the ticker.
     */
    final Map<String, Long> mutualTlsSeen = new ConcurrentHashMap<>();
    final Window sheds = Window.countsOnly();

    ClusterStats(String name) {
      this.name = name;
    }
  }
}
