package dev.mesh4j.core.internal.cluster;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.Subset;
import org.jspecify.annotations.Nullable;

/**
 * Where the routes of one snapshot find a cluster: a reference that an endpoint-only change
 * swaps to a cluster with the new endpoints, without compiling routes again (as Envoy applies
 * EDS without touching RDS). Everything else of a cluster — its policy, TLS, limits — changes
 * only with a new snapshot, whose routes get new slots.
 *
 * <p>A request reads the cluster once and keeps it for all its attempts. Thread-safe: the
 * reference is volatile and set only by the (serialized) snapshot compiler.
 */
public final class ClusterSlot {
  private final @Nullable Subset subset;
  private volatile Cluster cluster;

  public ClusterSlot(Cluster cluster, @Nullable Subset subset) {
    this.cluster = requireNonNull(cluster, "cluster");
    this.subset = subset;
  }

  /** The cluster in force. */
  public Cluster get() {
    return cluster;
  }

  /** The subset whose labels select this cluster's endpoints, or null for the whole service. */
  public @Nullable Subset subset() {
    return subset;
  }

  /** Puts a cluster with new endpoints in place (same key and policy). */
  public void set(Cluster next) {
    if (!next.key().equals(cluster.key())) {
      throw new IllegalArgumentException("cluster " + next.key() + " in the slot of " + cluster.key());
    }
    this.cluster = next;
  }

  @Override
  public String toString() {
    return cluster.toString();
  }
}
