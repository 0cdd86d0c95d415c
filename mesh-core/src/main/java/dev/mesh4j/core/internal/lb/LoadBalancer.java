package dev.mesh4j.core.internal.lb;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Picks an endpoint of one cluster for one request.
 *
 * <p>Threading: an instance is built off the request path for one immutable list of hosts and
 * then only read; {@link #pick} is called concurrently by any number of request threads and
 * must be thread-safe and lock-free. Mutable per-cluster state lives in the {@link ClusterState}
 * the balancer was built with, so that a rebuilt balancer continues where the old one was.
 */
public interface LoadBalancer {

  /**
   * The endpoint for this request, or null when no endpoint is healthy (the caller answers
   * 503 {@code UH}).
   */
  @Nullable UpstreamHost pick(PickContext context);

  /** The hosts this balancer picks from, healthy or not. */
  List<UpstreamHost> hosts();

  /** A short name of the algorithm, for explain output ({@code ROUND_ROBIN}, …). */
  String name();

  /**
   * Whether the cluster is in panic now (too few healthy hosts, SPEC §8), so that picks go to
   * all hosts, ejected ones included.
   */
  default boolean inPanic() {
    return false;
  }
}
