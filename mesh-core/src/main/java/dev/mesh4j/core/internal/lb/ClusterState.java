package dev.mesh4j.core.internal.lb;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Ticker;
import java.lang.ref.WeakReference;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state of one cluster (host, subset, port) that outlives snapshots: per-endpoint state
 * keyed by {@code address:port}, the round-robin position, and the health version that tells
 * balancers when to rebuild.
 *
 * <p>A balancer built for this cluster subscribes here. When an endpoint's health changes
 * ({@link EndpointState#setEjected}), the health version goes up and every live subscribed
 * balancer rebuilds its immutable table on the rebuild executor, as Envoy's
 * {@code ThreadAwareLoadBalancerBase::refresh} and {@code EdfLoadBalancerBase::refresh} do on a
 * host-set or health change. Balancers are held weakly: one dropped with its snapshot is
 * forgotten. With the default direct executor the rebuild runs on the thread that changed the
 * health, before {@code setEjected} returns (deterministic, what tests want); the engine passes
 * its own executor so that large tables (Maglev, big rings) are built off request threads.
 *
 * <p>Thread-safe.
 */
public final class ClusterState {
  private final ConcurrentHashMap<String, EndpointState> endpoints = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<WeakReference<AbstractLoadBalancer<?>>> balancers =
      new CopyOnWriteArrayList<>();
  private final AtomicLong roundRobin;
  private final AtomicLong healthVersion = new AtomicLong();
  private final Executor rebuildExecutor;
  private final Ticker ticker;

  /**
   * A new cluster state whose round robin starts at a random offset (as Envoy does) and whose
   * balancers rebuild on the thread that changes an endpoint's health.
   */
  public ClusterState(RandomSource random) {
    this(random, Runnable::run);
  }

  /**
   * A new cluster state whose balancers rebuild their tables on {@code rebuildExecutor}.
   *
   * @param random draws the round-robin start offset
   * @param rebuildExecutor runs table rebuilds after health changes
   */
  public ClusterState(RandomSource random, Executor rebuildExecutor) {
    this(random, rebuildExecutor, Ticker.system());
  }

  /**
   * A new cluster state whose balancers rebuild their tables on {@code rebuildExecutor}.
   *
   * @param random draws the round-robin start offset
   * @param rebuildExecutor runs table rebuilds after health changes
   * @param ticker tells when an endpoint joined the cluster and how long it has warmed up
   *     ({@code warmup})
   */
  public ClusterState(RandomSource random, Executor rebuildExecutor, Ticker ticker) {
    this.roundRobin = new AtomicLong(random.nextLong() & Long.MAX_VALUE);
    this.rebuildExecutor = requireNonNull(rebuildExecutor, "rebuildExecutor");
    this.ticker = requireNonNull(ticker, "ticker");
  }

  /**
   * The state of an endpoint, created on first use (the time it joins the cluster) and kept
   * while the endpoint stays.
   */
  public EndpointState endpoint(Endpoint e) {
    return endpoints.computeIfAbsent(e.hostPort(), k -> new EndpointState(this, ticker.nanos()));
  }

  Ticker ticker() {
    return ticker;
  }

  /** Forgets endpoints that left the cluster. */
  public void retain(Set<String> hostPorts) {
    endpoints.keySet().retainAll(hostPorts);
  }

  /** The round-robin position; each pick takes the next value. */
  AtomicLong roundRobin() {
    return roundRobin;
  }

  /** Goes up by one on every health change of an endpoint of this cluster. */
  long healthVersion() {
    return healthVersion.get();
  }

  Executor rebuildExecutor() {
    return rebuildExecutor;
  }

  void subscribe(AbstractLoadBalancer<?> balancer) {
    // Balancers of dropped snapshots are collected; forget them here too, so that reloads
    // without health changes do not grow the list.
    balancers.removeIf(ref -> ref.get() == null);
    balancers.add(new WeakReference<>(balancer));
  }

  void healthChanged() {
    healthVersion.incrementAndGet();
    for (WeakReference<AbstractLoadBalancer<?>> ref : balancers) {
      AbstractLoadBalancer<?> lb = ref.get();
      if (lb == null) {
        balancers.remove(ref);
      } else {
        lb.scheduleRebuild();
      }
    }
  }
}
