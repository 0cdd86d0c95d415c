package dev.mesh4j.core.internal.cluster;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.TrafficPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Where the routes of a snapshot find a cluster: its index in the {@link ClusterTable} of the
 * snapshot a request reads. An endpoint-only change puts a cluster with the new endpoints at the
 * same index of a new table, without compiling routes again (as Envoy applies EDS without
 * touching RDS). Everything else of a cluster — its policy, TLS, limits — changes only with a new
 * compile, whose routes get new slots.
 *
 * <p>Immutable and thread-safe. A request reads the cluster once and keeps it for all its
 * attempts.
 */
public final class ClusterSlot {
  private final ClusterKey key;
  private final int index;
  private final @Nullable Subset subset;
  private final TrafficPolicy policy;

  /**
   * @param index where the cluster is in the tables of the snapshots compiled with this slot
   * @param policy the cluster's merged traffic policy, the same in each of those tables
   */
  public ClusterSlot(ClusterKey key, int index, @Nullable Subset subset, TrafficPolicy policy) {
    this.key = requireNonNull(key, "key");
    this.index = index;
    this.subset = subset;
    this.policy = requireNonNull(policy, "policy");
  }

  /** The cluster of this slot in a snapshot's table. */
  public Cluster get(ClusterTable clusters) {
    return clusters.get(index);
  }

  public ClusterKey key() {
    return key;
  }

  public int index() {
    return index;
  }

  /** The subset whose labels select this cluster's endpoints, or null for the whole service. */
  public @Nullable Subset subset() {
    return subset;
  }

  /** The cluster's merged traffic policy, which endpoint changes keep (for compiling routes). */
  public TrafficPolicy policy() {
    return policy;
  }

  @Override
  public String toString() {
    return key + "@" + index;
  }
}
