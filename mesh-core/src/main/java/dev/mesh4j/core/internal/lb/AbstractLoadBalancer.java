package dev.mesh4j.core.internal.lb;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * What every balancer shares: an immutable table built off the request path for the hosts
 * {@link Panic#select} allows at one health version, swapped atomically on health changes; the
 * pick loop with Envoy's host-selection retries; and walking past an ejected host when a pick
 * runs on a table built before the ejection.
 *
 * <p>Envoy rebuilds its schedulers, rings and tables on every host-set or health change
 * ({@code EdfLoadBalancerBase::refresh}, {@code ThreadAwareLoadBalancerBase::refresh}) and a
 * worker keeps using the previous ones until the update reaches it. Here a rebuild runs on the
 * {@link ClusterState}'s executor; until it is published, a pick that lands on an ejected host
 * walks on to the next usable one (SPEC §5: "ejected endpoints are skipped by walking on") and
 * falls back to the landed host only if the whole old table is ejected.
 *
 * <p>Threading: {@link #pick} reads the volatile table once and allocates nothing; rebuilds
 * may run concurrently with picks and with each other, and the table with the newest health
 * version wins.
 *
 * @param <T> the algorithm's table
 */
abstract class AbstractLoadBalancer<T extends AbstractLoadBalancer.Table> implements LoadBalancer {
  private final List<UpstreamHost> hosts;
  final ClusterState state;
  private final int panicThreshold;
  private final AtomicBoolean rebuildScheduled = new AtomicBoolean();
  private final Runnable rebuildTask = this::rebuild;
  private volatile @Nullable T table;

  AbstractLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold) {
    this.hosts = List.copyOf(hosts);
    this.state = requireNonNull(state, "state");
    if (panicThreshold < 0 || panicThreshold > 100) {
      throw new IllegalArgumentException(
          "panicThreshold: " + panicThreshold + " (expected: 0..100)");
    }
    this.panicThreshold = panicThreshold;
    for (UpstreamHost h : this.hosts) {
      if (h.state().owner() != state) {
        throw new IllegalArgumentException(
            "host " + h + " has the state of another cluster (use ClusterState.endpoint)");
      }
    }
  }

  /** Subscribes to health changes and builds the first table; subclasses call it last. */
  final void start() {
    state.subscribe(this);
    rebuild();
  }

  /** The algorithm's table for these hosts (healthy ones, or all in panic). */
  abstract T build(UpstreamHost[] usable, boolean panic, long version);

  /**
   * One pick from a non-empty table.
   *
   * @param seed the value {@link #seed} drew once for this request
   * @param attempt 0 for the first pick, then 1, 2, … while {@link PickContext#shouldAvoid}
   *     rejects picks
   */
  abstract UpstreamHost choose(T table, PickContext context, long seed, int attempt);

  /** A value drawn once per request and passed to every attempt (the hash, for hashing). */
  long seed(PickContext context) {
    return 0;
  }

  @Override
  public final @Nullable UpstreamHost pick(PickContext context) {
    T t = table();
    if (t.hosts.length == 0) {
      return null;
    }
    long seed = seed(context);
    UpstreamHost host = choose(t, context, seed, 0);
    if (!context.shouldAvoid(host)) {
      return host;
    }
    int retries = context.hostSelectionRetries();
    for (int attempt = 1; attempt <= retries; attempt++) {
      host = choose(t, context, seed, attempt);
      if (!context.shouldAvoid(host)) {
        return host;
      }
    }
    return host; // every pick was to be avoided: Envoy keeps the last one
  }

  @Override
  public final List<UpstreamHost> hosts() {
    return hosts;
  }

  @Override
  public final boolean inPanic() {
    return table().panic;
  }

  /** The current table. */
  final T table() {
    T t = table;
    if (t == null) {
      throw new IllegalStateException(name() + " balancer used before start()");
    }
    return t;
  }

  final void scheduleRebuild() {
    if (rebuildScheduled.compareAndSet(false, true)) {
      try {
        state.rebuildExecutor().execute(rebuildTask);
      } catch (RuntimeException rejected) {
        // A rejecting executor (shut down) must not leave the table stale forever.
        rebuild();
      }
    }
  }

  private void rebuild() {
    // Clear the flag before reading health: a change after this point schedules another run.
    rebuildScheduled.set(false);
    long version = state.healthVersion();
    Panic.Selection selection = Panic.select(hosts, panicThreshold);
    T built = build(selection.hosts(), selection.panic(), version);
    synchronized (this) {
      T current = table;
      if (current == null || current.version <= version) {
        table = built;
      }
    }
  }

  /**
   * {@code candidates[index]} if it may be picked from table {@code t}, else the next one that
   * may (see the class comment), else {@code candidates[index]}.
   */
  static UpstreamHost walkOn(Table t, UpstreamHost[] candidates, int index) {
    UpstreamHost landed = candidates[index];
    if (t.panic || landed.isHealthy()) {
      return landed;
    }
    int n = candidates.length;
    for (int k = 1; k < n; k++) {
      UpstreamHost h = candidates[(index + k) % n];
      if (h.isHealthy()) {
        return h;
      }
    }
    return landed;
  }

  @Override
  public String toString() {
    T t = table;
    return name() + hosts + (t == null ? "" : " usable=" + t.hosts.length
        + (t.panic ? " (panic)" : ""));
  }

  /** A balancer's immutable table for one health version. */
  abstract static class Table {
    /** The hosts picked from: healthy ones, or all in panic. */
    final UpstreamHost[] hosts;
    final boolean panic;
    final long version;

    Table(UpstreamHost[] hosts, boolean panic, long version) {
      this.hosts = hosts;
      this.panic = panic;
      this.version = version;
    }
  }
}
