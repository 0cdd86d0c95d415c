package dev.mesh4j.core.internal.lb;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
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
 * <p>Priorities and localities ({@link PriorityPlan}): with one priority and no locality weights
 * (the common case) a balancer has one table. Otherwise each rebuild computes Envoy's load per
 * priority ({@link PriorityLoad}) and builds one table per priority (its healthy hosts, or all in
 * panic) and, when balancing by locality weight, one per locality of the priority with its
 * effective weight {@code weight × min(1, 1.4 × healthy / total)} ({@code HostSetImpl::
 * effectiveLocalityWeight}). A pick draws the priority as Envoy's {@code choosePriority} does
 * ({@code draw % 100 + 1} against the cumulative loads; the request hash for hashing
 * balancers), then a locality with probability proportional to its effective weight (Envoy's
 * EDF scheduler gives the same shares), then a host from that table by the algorithm.
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
  private final PriorityPlan plan;
  private final @Nullable SlowStart slowStart;
  private final AtomicBoolean rebuildScheduled = new AtomicBoolean();
  private final Runnable rebuildTask = this::rebuild;
  private volatile @Nullable Levels<T> levels;
  /** {@link Levels#refreshAt} when no endpoint warms up. */
  static final long NEVER = Long.MIN_VALUE;

  AbstractLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold,
      PriorityPlan plan) {
    this(hosts, state, panicThreshold, plan, null);
  }

  /** @param slowStart ramps new endpoints' weights ({@code warmup}), or null */
  AbstractLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold,
      PriorityPlan plan, @Nullable SlowStart slowStart) {
    this.hosts = List.copyOf(hosts);
    this.plan = requireNonNull(plan, "plan");
    this.slowStart = slowStart;
    plan.checkSize(this.hosts.size());
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

  /**
   * Whether the priority is drawn from {@link #seed} (the request hash, as Envoy's
   * thread-aware balancers do) rather than from a fresh random value per attempt. Such balancers
   * also keep one table per priority, without locality weights.
   */
  boolean hashesPriority() {
    return false;
  }

  @Override
  public final @Nullable UpstreamHost pick(PickContext context) {
    Levels<T> lv = levels();
    if (lv.refreshAt != NEVER && state.ticker().nanos() - lv.refreshAt >= 0) {
      scheduleRebuild(); // a warming endpoint's weight has moved on: this pick uses the old table
    }
    T single = lv.single;
    if (single != null && single.hosts.length == 0) {
      return null;
    }
    long seed = seed(context);
    UpstreamHost host = single != null ? choose(single, context, seed, 0) : chooseLevel(lv, context, seed, 0);
    if (host == null || !context.shouldAvoid(host)) {
      return host;
    }
    int retries = context.hostSelectionRetries();
    for (int attempt = 1; attempt <= retries; attempt++) {
      UpstreamHost again = single != null
          ? choose(single, context, seed, attempt) : chooseLevel(lv, context, seed, attempt);
      if (again == null) {
        break;
      }
      host = again;
      if (!context.shouldAvoid(host)) {
        return host;
      }
    }
    return host; // every pick was to be avoided: Envoy keeps the last one
  }

  /** A priority (Envoy's {@code choosePriority}), a locality, then a host; null when it has none. */
  private @Nullable UpstreamHost chooseLevel(Levels<T> lv, PickContext context, long seed, int attempt) {
    long draw = hashesPriority() ? seed : context.random().nextLong();
    long point = Long.remainderUnsigned(draw, 100) + 1;
    int[] cumulative = lv.cumulativeLoad;
    int p = 0;
    while (p < cumulative.length - 1 && point > cumulative[p]) {
      p++;
    }
    Level<T> level = lv.levels.get(p);
    T t = level.hosts;
    long[] weights = level.cumulativeWeight;
    if (weights != null) {
      long r = context.random().nextLong(weights[weights.length - 1]);
      int i = 0;
      while (weights[i] <= r) {
        i++;
      }
      t = level.localities.get(i);
    }
    return t.hosts.length == 0 ? null : choose(t, context, seed, attempt);
  }

  @Override
  public final List<UpstreamHost> hosts() {
    return hosts;
  }

  @Override
  public final boolean inPanic() {
    return levels().panic;
  }

  /** The current table: the only one, or that of priority 0. */
  final T table() {
    Levels<T> lv = levels();
    return lv.single != null ? lv.single : lv.levels.get(0).hosts;
  }

  private Levels<T> levels() {
    Levels<T> lv = levels;
    if (lv == null) {
      throw new IllegalStateException(name() + " balancer used before start()");
    }
    return lv;
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
    long now = slowStart == null ? 0 : state.ticker().nanos();
    long refreshAt = NEVER;
    if (slowStart != null) {
      for (UpstreamHost h : hosts) {
        if (slowStart.warming(h.state().joinedAt(), now)) {
          refreshAt = now + slowStart.step();
          break;
        }
      }
    }
    Levels<T> built;
    if (plan.isSingle()) {
      Panic.Selection selection = Panic.select(hosts, panicThreshold);
      T t = build(weigh(selection.hosts(), now), selection.panic(), version);
      built = new Levels<>(version, t, new int[] {100}, List.of(), t.panic, refreshAt);
    } else {
      built = buildLevels(version, now, refreshAt);
    }
    synchronized (this) {
      Levels<T> current = levels;
      if (current == null || current.version <= version) {
        levels = built;
      }
    }
  }

  /** Envoy's per-priority and per-locality tables at one health version (see the class comment). */
  private Levels<T> buildLevels(long version, long now, long refreshAt) {
    int n = plan.priorities();
    int[] healthy = new int[n];
    int[] total = new int[n];
    int groups = plan.groups();
    int[] groupHealthy = new int[groups];
    int[] groupTotal = new int[groups];
    for (int i = 0; i < hosts.size(); i++) {
      int p = plan.priority(i);
      if (p < 0) {
        continue;
      }
      boolean ok = hosts.get(i).isHealthy();
      total[p]++;
      groupTotal[plan.group(i)]++;
      if (ok) {
        healthy[p]++;
        groupHealthy[plan.group(i)]++;
      }
    }
    PriorityLoad.Result load = PriorityLoad.compute(healthy, total, panicThreshold);
    int[] cumulative = new int[n];
    int sum = 0;
    boolean anyPanic = false;
    List<Level<T>> levels = new ArrayList<>(n);
    for (int p = 0; p < n; p++) {
      sum += load.load()[p];
      cumulative[p] = sum;
      boolean panic = load.panic()[p];
      anyPanic |= panic && load.load()[p] > 0;
      T all = build(weigh(select(p, -1, panic), now), panic, version);
      List<T> localities = null;
      long[] weights = null;
      if (plan.localityWeighted() && !panic && !hashesPriority()) {
        List<T> tables = new ArrayList<>();
        List<Long> effective = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
          if (groupTotal[g] == 0 || plan.groupPriority(g) != p) {
            continue;
          }
          double ratio = Math.min(1.0,
              Panic.OVERPROVISIONING_FACTOR / 100.0 * groupHealthy[g] / groupTotal[g]);
          // Envoy's effective weight is a double; micro-units keep the draw in integers.
          long w = (long) (plan.groupWeight(g) * ratio * 1_000_000);
          if (w > 0) {
            tables.add(build(weigh(select(p, g, false), now), false, version));
            effective.add(w);
          }
        }
        if (!tables.isEmpty()) {
          localities = tables;
          weights = new long[effective.size()];
          long acc = 0;
          for (int i = 0; i < weights.length; i++) {
            acc += effective.get(i);
            weights[i] = acc;
          }
        }
      }
      levels.add(new Level<>(all, localities, weights));
    }
    return new Levels<>(version, null, cumulative, List.copyOf(levels), anyPanic, refreshAt);
  }

  /** The hosts with their slow-start weights at {@code now} ({@link SlowStart#weigh}). */
  private UpstreamHost[] weigh(UpstreamHost[] usable, long now) {
    return slowStart == null ? usable : slowStart.weigh(usable, now);
  }

  /** Hosts of priority {@code p} (and locality group {@code g}, unless -1): healthy, or all in panic. */
  private UpstreamHost[] select(int p, int g, boolean panic) {
    List<UpstreamHost> out = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      UpstreamHost h = hosts.get(i);
      if (plan.priority(i) == p && (g < 0 || plan.group(i) == g) && (panic || h.isHealthy())) {
        out.add(h);
      }
    }
    return out.toArray(new UpstreamHost[0]);
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
    Levels<T> lv = levels;
    T t = lv == null ? null : lv.single != null ? lv.single : lv.levels.get(0).hosts;
    return name() + hosts + (t == null ? "" : " usable=" + t.hosts.length
        + (t.panic ? " (panic)" : "")) + (plan.isSingle() ? "" : " " + plan);
  }

  /**
   * The tables of one health version.
   *
   * @param single the only table (one priority, no locality weights), or null
   * @param cumulativeLoad per priority, the cumulative percent of requests (the last is 100)
   * @param levels per priority, when {@code single} is null
   * @param panic whether a priority that takes load is in panic
   * @param refreshAt when an endpoint's slow-start weight has moved enough for a rebuild, in
   *     ticker nanoseconds; {@link #NEVER} when no endpoint is warming up
   */
  record Levels<T extends Table>(long version, @Nullable T single, int[] cumulativeLoad,
      List<Level<T>> levels, boolean panic, long refreshAt) {}

  /**
   * One priority's tables.
   *
   * @param hosts its healthy hosts, or all of them in panic
   * @param localities per locality with effective weight, its healthy hosts; null when hosts are
   *     not picked by locality
   * @param cumulativeWeight the localities' cumulative effective weights
   */
  record Level<T extends Table>(T hosts, @Nullable List<T> localities, long @Nullable [] cumulativeWeight) {}

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
