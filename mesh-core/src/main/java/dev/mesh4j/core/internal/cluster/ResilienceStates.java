package dev.mesh4j.core.internal.cluster;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.resilience.ClusterResilience;
import dev.mesh4j.core.internal.resilience.ConnectionLimiter;
import dev.mesh4j.core.internal.resilience.EjectionListener;
import dev.mesh4j.core.internal.resilience.OutlierDetector;
import dev.mesh4j.core.internal.resilience.OutlierSettings;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The connection limiter and outlier detector of every cluster, kept across snapshots as
 * {@link ClusterStates} keeps load-balancing state: a rebuilt
 * cluster with the same key gets the same objects, reconfigured to its new policy and endpoints,
 * so in-flight counts, ejections and multipliers survive reloads and endpoint changes. A
 * detector is started when a policy gains {@code outlierDetection} and closed (its sweep
 * stopped, its ejected endpoints returned) when the policy loses it or the cluster goes away.
 *
 * <p>Threading: called by the snapshot compiler, one compile at a time, and by
 * {@link #close()}; the methods are synchronized so that a close racing a compile is safe.
 */
public final class ResilienceStates implements AutoCloseable {
  private final Scheduler scheduler;
  private final Ticker ticker;
  private final EjectionListener events;
  private final Map<ClusterKey, Entry> entries = new HashMap<>();
  private boolean closed;

  public ResilienceStates(Scheduler scheduler, Ticker ticker) {
    this(scheduler, ticker, EjectionListener.NONE);
  }

  /** @param events told of every detector's ejections and returns */
  public ResilienceStates(Scheduler scheduler, Ticker ticker, EjectionListener events) {
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.ticker = requireNonNull(ticker, "ticker");
    this.events = requireNonNull(events, "events");
  }

  /**
   * The resilience of a cluster for a snapshot being compiled: its state, created on first use
   * and otherwise reconfigured to {@code policy} and {@code hosts}.
   *
   * @param policy the cluster's merged traffic policy
   * @param hosts the cluster's endpoints in this snapshot
   */
  public synchronized ClusterResilience cluster(ClusterKey key, TrafficPolicy policy, List<UpstreamHost> hosts) {
    ConnectionLimiter.Limits limits = ConnectionLimiter.Limits.forPolicy(policy);
    OutlierDetection od = policy.outlierDetection();
    OutlierSettings outlier = od == null ? null : OutlierSettings.of(od);
    Entry e = entries.get(key);
    if (e == null) {
      e = new Entry(new ConnectionLimiter(key.envoyName(), limits, ticker, scheduler));
      entries.put(key, e);
    } else if (!e.limiter.limits().equals(limits)) {
      e.limiter.reconfigure(limits);
    }
    if (outlier == null || closed) {
      if (e.detector != null) {
        e.detector.close();
        e.detector = null;
      }
    } else if (e.detector == null) {
      e.detector = new OutlierDetector(key.envoyName(), outlier, hosts, scheduler, ticker, events);
    } else {
      if (!e.detector.settings().equals(outlier)) {
        e.detector.reconfigure(outlier);
      }
      e.detector.updateHosts(hosts);
    }
    return new ClusterResilience(e.limiter, e.detector);
  }

  /** Forgets clusters that no longer exist and stops their detectors. */
  public synchronized void retain(Set<ClusterKey> keys) {
    for (Iterator<Map.Entry<ClusterKey, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<ClusterKey, Entry> e = it.next();
      if (!keys.contains(e.getKey())) {
        e.getValue().close();
        it.remove();
      }
    }
  }

  /** Stops every detector's sweep (the mesh is closing); later compiles start none. */
  @Override
  public synchronized void close() {
    closed = true;
    entries.values().forEach(Entry::close);
  }

  private static final class Entry {
    final ConnectionLimiter limiter;
    @Nullable OutlierDetector detector;

    Entry(ConnectionLimiter limiter) {
      this.limiter = limiter;
    }

    void close() {
      if (detector != null) {
        detector.close();
        detector = null;
      }
    }
  }
}
