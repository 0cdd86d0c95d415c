package dev.mesh4j.core.internal.cluster;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.core.internal.lb.ClusterState;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of every cluster, kept across snapshots: a rebuilt cluster with the same key gets
 * the same {@link ClusterState}, so round-robin positions, in-flight counters and health
 * survive reloads and endpoint changes. Thread-safe.
 */
public final class ClusterStates {
  private final ConcurrentHashMap<ClusterKey, ClusterState> states = new ConcurrentHashMap<>();
  private final RandomSource random;
  private final Executor rebuildExecutor;
  private final Ticker ticker;

  /**
   * @param rebuildExecutor where balancers rebuild their tables after a health change, off the
   *     request thread that ejected or restored an endpoint
   */
  public ClusterStates(RandomSource random, Executor rebuildExecutor) {
    this(random, rebuildExecutor, Ticker.system());
  }

  /**
   * @param rebuildExecutor where balancers rebuild their tables after a health change, off the
   *     request thread that ejected or restored an endpoint
   * @param ticker when endpoints join clusters (slow start)
   */
  public ClusterStates(RandomSource random, Executor rebuildExecutor, Ticker ticker) {
    this.random = random;
    this.rebuildExecutor = rebuildExecutor;
    this.ticker = ticker;
  }

  public ClusterState state(ClusterKey key) {
    return states.computeIfAbsent(key, k -> new ClusterState(random, rebuildExecutor, ticker));
  }

  /** Forgets clusters that no longer exist. */
  public void retain(Set<ClusterKey> keys) {
    states.keySet().retainAll(keys);
  }
}
