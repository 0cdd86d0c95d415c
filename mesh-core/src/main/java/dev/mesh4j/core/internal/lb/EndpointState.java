package dev.mesh4j.core.internal.lb;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mutable state of one endpoint in one cluster: requests in flight and health. Shared by
 * every snapshot in which the endpoint stays in the cluster, so that reloads and endpoint
 * changes keep it (SPEC §14, §15). Created only by {@link ClusterState#endpoint}, which it tells
 * about health changes so that the cluster's balancers rebuild their tables.
 *
 * <p>Thread-safe: lock-free counters and flags.
 */
public final class EndpointState {
  private final ClusterState owner;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicBoolean ejected = new AtomicBoolean();
  private final long joinedAt;

  EndpointState(ClusterState owner, long joinedAt) {
    this.owner = requireNonNull(owner, "owner");
    this.joinedAt = joinedAt;
  }

  /** When the endpoint joined the cluster, in the cluster's ticker's nanoseconds (slow start). */
  long joinedAt() {
    return joinedAt;
  }

  /** Requests to this endpoint in flight now (what {@code LEAST_REQUEST} compares). */
  public int activeRequests() {
    return active.get();
  }

  /** Counts a request that starts; pair with {@link #requestEnded()}. */
  public void requestStarted() {
    active.incrementAndGet();
  }

  /** Counts a request that ended, however it ended. */
  public void requestEnded() {
    active.decrementAndGet();
  }

  /** Whether outlier detection has ejected this endpoint. */
  public boolean isEjected() {
    return ejected.get();
  }

  /**
   * Ejects or restores this endpoint. A change makes the cluster's balancers rebuild their
   * tables without (or with) it, on the cluster's rebuild executor ({@link ClusterState}).
   */
  public void setEjected(boolean ejected) {
    if (this.ejected.getAndSet(ejected) != ejected) {
      owner.healthChanged();
    }
  }

  /** The cluster this state belongs to. */
  ClusterState owner() {
    return owner;
  }

  @Override
  public String toString() {
    return "EndpointState[active=" + active.get() + (ejected.get() ? ", ejected" : "") + "]";
  }
}
