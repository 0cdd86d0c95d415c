package dev.mesh4j.core.internal.resilience;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.core.internal.lb.EndpointState;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.runtime.Periodic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Consecutive-error outlier detection for one cluster, as Envoy runs it for a DestinationRule's
 * {@code outlierDetection} ({@code source/common/upstream/outlier_detection_impl.cc}); the
 * settings are resolved by {@link OutlierSettings}.
 *
 * <p><b>Counting.</b> Each endpoint has three counters. A 5xx response increments the 5xx
 * counter; a 502/503/504 also the gateway counter, and any other 5xx resets the gateway counter;
 * any non-5xx response resets both. Without {@code splitExternalLocalOriginErrors}, a
 * local-origin failure ({@link LocalOrigin}) counts as a 503 or 504 response; with it, such a
 * failure counts only in the local-origin counter, which a successful connection resets. A
 * counter that reaches its threshold exactly triggers an ejection attempt, after which that
 * counter is reset (whether or not the ejection happened).
 *
 * <p><b>Ejection</b> happens at once, on the thread that reported the failure (Envoy posts it to
 * its main thread; mesh4j has none): it is allowed only if
 * {@code 100 × (ejected + 1) / endpoints <= maxEjectionPercent}, and marks the endpoint's
 * {@link EndpointState#setEjected(boolean)} so that the cluster's load balancers skip it. The
 * endpoint's multiplier grows by one while {@code multiplier × base < max + base}. An endpoint
 * already ejected ignores further triggers (its counters then run on until it returns).
 *
 * <p><b>Sweep.</b> Every {@code interval}, on the injected {@link Scheduler}: an ejected endpoint
 * returns when {@code min(base × multiplier, max) <= now − ejectedAt} (its counters are reset);
 * then every endpoint not ejected, and returned at least one interval ago, has its multiplier
 * decreased by one. So an endpoint that relapses right after each return is ejected for 30s, 60s,
 * 90s, … (capped at 300s), and one that stays healthy loses one step per interval. Endpoints
 * return only at sweeps, never in between. {@link #close()} stops the sweep and returns every
 * ejected endpoint.
 *
 * <p><b>Threading.</b> The hot path ({@link #onResponse}, {@link #onLocalOriginFailure},
 * {@link #onLocalOriginSuccess}) is lock-free and allocation-free: one lookup, by the identity of
 * the endpoint's {@link EndpointState}, in an immutable map republished (volatile) when the
 * endpoints change, then atomic counter updates (a success writes only counters that are not
 * already zero, so healthy traffic does not contend on a cache line). Only the rare transitions take the detector's lock: an ejection
 * attempt, the sweep, endpoint updates and reconfiguration, and {@link #hosts()}. The ejection
 * state of an endpoint (flag, times, multiplier) is guarded by that lock. Counters of two
 * requests finishing at once on one endpoint race as they do in Envoy (one may reset what the
 * other counted); the threshold test is on the value an increment returned, so each crossing
 * triggers once.
 */
public final class OutlierDetector implements AutoCloseable {

  /** Failures before response headers that are not the upstream's answer. */
  public enum LocalOrigin {
    /** The connection could not be made (refused, unreachable): Envoy's 503 equivalent. */
    CONNECT_FAILURE(503),
    /** The connection was not made in time: Envoy's {@code LocalOriginTimeout}, a 504. */
    CONNECT_TIMEOUT(504),
    /** The connection closed or the stream was reset before response headers: a 503. */
    RESET(503),
    /** A per-try or route timeout cut the attempt before response headers: a 504. */
    TIMEOUT(504);

    private final int status;

    LocalOrigin(int status) {
      this.status = status;
    }

    /** The status Envoy counts this failure as when local-origin errors are not split. */
    public int status() {
      return status;
    }
  }

  private final String name;
  private final Ticker ticker;
  private final EjectionListener events;
  private final Object lock = new Object();
  private final Periodic sweep;
  private volatile OutlierSettings settings;
  /** The monitors by endpoint state, for the hot path: replaced whole, never mutated. */
  private volatile Map<EndpointState, Monitor> byState = Map.of();
  // Guarded by lock.
  private final Map<String, Monitor> monitors = new HashMap<>();
  private int ejected;
  private boolean closed;

  /**
   * A detector for a cluster; its sweep starts at once, every {@code settings.interval()}.
   *
   * @param name the cluster's name, for logs and explain
   */
  public OutlierDetector(String name, OutlierSettings settings, List<UpstreamHost> hosts, Scheduler scheduler,
      Ticker ticker) {
    this(name, settings, hosts, scheduler, ticker, EjectionListener.NONE);
  }

  /**
   * A detector that tells {@code events} of each ejection and return.
   *
   * @param name the cluster's name, for logs, explain and events
   */
  public OutlierDetector(String name, OutlierSettings settings, List<UpstreamHost> hosts, Scheduler scheduler,
      Ticker ticker, EjectionListener events) {
    this.events = requireNonNull(events, "events");
    this.name = requireNonNull(name, "name");
    this.settings = requireNonNull(settings, "settings");
    this.ticker = requireNonNull(ticker, "ticker");
    updateHosts(hosts);
    this.sweep = Periodic.start(scheduler, () -> this.settings.interval(), this::sweep,
        "outlier-sweep " + name);
  }

  // ---- hot path -------------------------------------------------------------------------------

  /** Reports the status of a response an endpoint sent (its headers arrived). */
  public void onResponse(UpstreamHost host, int status) {
    Monitor m = byState.get(host.state());
    if (m != null) {
      count(m, status, settings);
    }
  }

  /** Reports a failure before response headers that the detector counts (see {@link LocalOrigin}). */
  public void onLocalOriginFailure(UpstreamHost host, LocalOrigin kind) {
    Monitor m = byState.get(host.state());
    if (m == null) {
      return;
    }
    OutlierSettings s = settings;
    if (!s.splitLocalOrigin()) {
      count(m, kind.status(), s);
      return;
    }
    int n = m.localOrigin.incrementAndGet();
    if (n == s.consecutiveLocalOrigin()) {
      onThreshold(m, Kind.LOCAL_ORIGIN);
    }
  }

  /**
   * Reports that a connection to the endpoint was made (at the latest, when response headers
   * arrive). Resets the local-origin counter when errors are split; otherwise does nothing, as in
   * Envoy.
   */
  public void onLocalOriginSuccess(UpstreamHost host) {
    if (!settings.splitLocalOrigin()) {
      return;
    }
    Monitor m = byState.get(host.state());
    if (m != null) {
      resetIfSet(m.localOrigin);
    }
  }

  private void count(Monitor m, int status, OutlierSettings s) {
    if (status < 500 || status > 599) {
      resetIfSet(m.fiveXx);
      resetIfSet(m.gateway);
      return;
    }
    if (status == 502 || status == 503 || status == 504) {
      if (m.gateway.incrementAndGet() == s.consecutiveGateway()) {
        onThreshold(m, Kind.GATEWAY);
      }
    } else {
      resetIfSet(m.gateway);
    }
    if (m.fiveXx.incrementAndGet() == s.consecutive5xx()) {
      onThreshold(m, Kind.FIVE_XX);
    }
  }

  private static void resetIfSet(AtomicInteger counter) {
    if (counter.get() != 0) {
      counter.set(0);
    }
  }

  // ---- rare path: ejection, sweep, updates ----------------------------------------------------

  private enum Kind {
    FIVE_XX("consecutive 5xx"),
    GATEWAY("consecutive gateway errors"),
    LOCAL_ORIGIN("consecutive local-origin failures");

    final String reason;

    Kind(String reason) {
      this.reason = reason;
    }
  }

  private void onThreshold(Monitor m, Kind kind) {
    long duration;
    int ejections;
    synchronized (lock) {
      if (closed || monitors.get(m.hostPort) != m || m.ejected) {
        return;
      }
      duration = eject(m, settings);
      ejections = m.ejections;
      switch (kind) {
        case FIVE_XX -> m.fiveXx.set(0);
        case GATEWAY -> m.gateway.set(0);
        case LOCAL_ORIGIN -> m.localOrigin.set(0);
      }
    }
    if (duration >= 0) {
      events.ejected(name, m.endpoint, kind.reason, ejections, Duration.ofNanos(duration));
    }
  }

  /**
   * Ejects if the ejection cap allows. Holds lock.
   *
   * @return how long the endpoint stays out (nanos), or -1 when the cap kept it in
   */
  private long eject(Monitor m, OutlierSettings s) {
    int hosts = monitors.size();
    // Envoy: 100.0 * (ejected + 1) / hosts <= maxEjectionPercent, in exact integer arithmetic.
    if (100L * (ejected + 1) > (long) s.maxEjectionPercent() * hosts) {
      return -1;
    }
    ejected++;
    m.ejected = true;
    m.ejections++;
    m.ejectedAt = ticker.nanos();
    long base = s.baseEjectionTime().toNanos();
    long max = s.maxEjectionTime().toNanos();
    if (saturatedMultiply(base, m.multiplier) < saturatedAdd(max, base)) {
      m.multiplier++;
    }
    m.state.setEjected(true);
    return Math.min(saturatedMultiply(base, m.multiplier), max);
  }

  private void uneject(Monitor m, long now) {
    ejected--;
    m.ejected = false;
    m.fiveXx.set(0);
    m.gateway.set(0);
    m.localOrigin.set(0);
    m.returnedAt = now;
    m.returned = true;
    m.state.setEjected(false);
  }

  /** One sweep: return endpoints whose time is up, then decay multipliers. Runs every interval. */
  void sweep() {
    List<Monitor> returned = new ArrayList<>();
    long now = ticker.nanos();
    synchronized (lock) {
      if (closed) {
        return;
      }
      OutlierSettings s = settings;
      long base = s.baseEjectionTime().toNanos();
      long max = s.maxEjectionTime().toNanos();
      for (Monitor m : monitors.values()) {
        if (m.ejected && Math.min(saturatedMultiply(base, m.multiplier), max) <= now - m.ejectedAt) {
          uneject(m, now);
          returned.add(m);
        }
      }
      long interval = s.interval().toNanos();
      for (Monitor m : monitors.values()) {
        if (!m.ejected && m.returned && now - m.returnedAt >= interval && m.multiplier > 0) {
          m.multiplier--;
        }
      }
    }
    for (Monitor m : returned) {
      events.returned(name, m.endpoint, "ejection time elapsed", m.ejections, Duration.ofNanos(now - m.ejectedAt));
    }
  }

  /**
   * Makes the detector track exactly these endpoints (a snapshot's hosts of the cluster): new
   * ones start clean, departed ones are forgotten (with their ejection), remaining ones keep
   * their counters and ejection state. Endpoints are matched by {@code address:port}; one whose
   * {@link EndpointState} object was replaced gets its ejection carried over to the new one
   * (and reports through the old one are ignored from then on).
   */
  public void updateHosts(List<UpstreamHost> hosts) {
    List<Monitor> gone = new ArrayList<>();
    long now = ticker.nanos();
    synchronized (lock) {
      Set<String> keep = new HashSet<>();
      for (UpstreamHost h : hosts) {
        String key = h.endpoint().hostPort();
        keep.add(key);
        Monitor m = monitors.get(key);
        if (m == null) {
          monitors.put(key, new Monitor(key, h.endpoint(), h.state()));
        } else if (m.state != h.state()) {
          m.state = h.state();
          m.state.setEjected(m.ejected);
        }
      }
      monitors.values().removeIf(m -> {
        if (keep.contains(m.hostPort)) {
          return false;
        }
        if (m.ejected) {
          ejected--;
          gone.add(m);
        }
        return true;
      });
      Map<EndpointState, Monitor> index = new IdentityHashMap<>();
      for (Monitor m : monitors.values()) {
        index.put(m.state, m);
      }
      byState = index;
    }
    for (Monitor m : gone) {
      events.returned(name, m.endpoint, "endpoint removed", m.ejections, Duration.ofNanos(now - m.ejectedAt));
    }
  }

  /**
   * Applies new settings (a reload changed the policy). Counters, ejections and multipliers are
   * kept; the next sweep is scheduled with the interval in force when the current one runs.
   */
  public void reconfigure(OutlierSettings next) {
    synchronized (lock) {
      this.settings = requireNonNull(next, "next");
    }
  }

  /** Stops the sweep and returns every ejected endpoint to its balancers. Idempotent. */
  @Override
  public void close() {
    List<Monitor> returned = new ArrayList<>();
    long now = ticker.nanos();
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      for (Monitor m : monitors.values()) {
        if (m.ejected) {
          m.ejected = false;
          m.state.setEjected(false);
          returned.add(m);
        }
      }
      ejected = 0;
    }
    sweep.close();
    for (Monitor m : returned) {
      events.returned(name, m.endpoint, "outlier detection removed", m.ejections, Duration.ofNanos(now - m.ejectedAt));
    }
  }

  // ---- read view ------------------------------------------------------------------------------

  public String name() {
    return name;
  }

  public OutlierSettings settings() {
    return settings;
  }

  /** How many endpoints are ejected now. */
  public int ejectedCount() {
    synchronized (lock) {
      return ejected;
    }
  }

  /** The state of every tracked endpoint, for explain and tests. */
  public List<HostStatus> hosts() {
    synchronized (lock) {
      long now = ticker.nanos();
      OutlierSettings s = settings;
      List<HostStatus> out = new ArrayList<>(monitors.size());
      for (Monitor m : monitors.values()) {
        out.add(status(m, s, now));
      }
      out.sort((a, b) -> a.hostPort().compareTo(b.hostPort()));
      return out;
    }
  }

  /** The state of one endpoint, or null if the detector does not track it. */
  public @Nullable HostStatus host(UpstreamHost host) {
    synchronized (lock) {
      Monitor m = monitors.get(host.endpoint().hostPort());
      return m == null ? null : status(m, settings, ticker.nanos());
    }
  }

  private static HostStatus status(Monitor m, OutlierSettings s, long now) {
    Duration remaining = Duration.ZERO;
    if (m.ejected) {
      long time = Math.min(saturatedMultiply(s.baseEjectionTime().toNanos(), m.multiplier),
          s.maxEjectionTime().toNanos());
      remaining = Duration.ofNanos(Math.max(0, time - (now - m.ejectedAt)));
    }
    return new HostStatus(m.hostPort, m.ejected, remaining, m.multiplier, m.ejections,
        m.fiveXx.get(), m.gateway.get(), m.localOrigin.get());
  }

  /**
   * One endpoint as the detector sees it.
   *
   * @param hostPort the endpoint's {@code address:port}
   * @param ejected whether it is ejected now
   * @param remaining how long until its ejection time is up (it returns at the first sweep after
   *     that); zero when not ejected
   * @param multiplier the ejection-time multiplier (the next ejection lasts
   *     {@code base × (multiplier + 1)}, capped)
   * @param ejections how many times it has been ejected
   * @param consecutive5xx the current run of 5xx
   * @param consecutiveGateway the current run of gateway errors
   * @param consecutiveLocalOrigin the current run of local-origin failures (split mode)
   */
  public record HostStatus(String hostPort, boolean ejected, Duration remaining, int multiplier,
      int ejections, int consecutive5xx, int consecutiveGateway, int consecutiveLocalOrigin) {}

  @Override
  public String toString() {
    return "OutlierDetector[" + name + ": " + settings + "]";
  }

  private static long saturatedMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  /** The detector's view of one endpoint. Counters are atomic; the rest is guarded by lock. */
  private static final class Monitor {
    final String hostPort;
    final Endpoint endpoint;
    final AtomicInteger fiveXx = new AtomicInteger();
    final AtomicInteger gateway = new AtomicInteger();
    final AtomicInteger localOrigin = new AtomicInteger();
    EndpointState state;
    boolean ejected;
    boolean returned;
    long ejectedAt;
    long returnedAt;
    int multiplier;
    int ejections;

    Monitor(String hostPort, Endpoint endpoint, EndpointState state) {
      this.hostPort = hostPort;
      this.endpoint = endpoint;
      this.state = state;
    }
  }
}
