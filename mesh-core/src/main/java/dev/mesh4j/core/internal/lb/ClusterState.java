package dev.mesh4j.core.internal.lb;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The state of one cluster (host, subset, port) that outlives snapshots: per-endpoint state
 * keyed by {@code address:port}, and the round-robin position. Thread-safe.
 */
public final class ClusterState {
  private final ConcurrentHashMap<String, EndpointState> endpoints = new ConcurrentHashMap<>();
  private final AtomicLong roundRobin;

  /** A new cluster state whose round robin starts at a random offset (as Envoy does). */
  public ClusterState(RandomSource random) {
    this.roundRobin = new AtomicLong(random.nextLong() & Long.MAX_VALUE);
  }

  /** The state of an endpoint, created on first use and kept while the endpoint stays. */
  public EndpointState endpoint(Endpoint e) {
    return endpoints.computeIfAbsent(e.hostPort(), k -> new EndpointState());
  }

  /** Forgets endpoints that left the cluster. */
  public void retain(Set<String> hostPorts) {
    endpoints.keySet().retainAll(hostPorts);
  }

  /** The round-robin position; each pick takes the next value. */
  AtomicLong roundRobin() {
    return roundRobin;
  }
}
