package dev.mesh4j.core.internal.lb;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mutable state of one endpoint in one cluster: requests in flight and health. Shared by
 * every snapshot in which the endpoint stays in the cluster, so that reloads and endpoint
 * changes keep it. Thread-safe: lock-free counters and volatile flags.
 */
public final class EndpointState {
  private final AtomicInteger active = new AtomicInteger();
  private volatile boolean ejected;

  /** Requests to this endpoint in flight now. */
  public int activeRequests() {
    return active.get();
  }

  /** Counts a request that starts; pair with {@link #requestEnded()}. */
  public void requestStarted() {
    active.incrementAndGet();
  }

  public void requestEnded() {
    active.decrementAndGet();
  }

  /** Whether outlier detection has ejected this endpoint. */
  public boolean isEjected() {
    return ejected;
  }

  public void setEjected(boolean ejected) {
    this.ejected = ejected;
  }
}
