package dev.mesh4j.core.internal.lb;

import java.util.List;

/**
 * {@code consistentHash} with {@code ringHash} (Istio's default consistent-hash algorithm):
 * Envoy's {@code RING_HASH} over the usable hosts, see {@link HashRing}.
 *
 * <p>The request hash comes from {@link PickContext#hash()}; a request without one gets a
 * random 64-bit value, as in Envoy's {@code ThreadAwareLoadBalancerBase::LoadBalancerImpl::chooseHost}
 * (a random pick weighted by ring share, not sticky). When hosts are ejected or restored the
 * ring is rebuilt from the usable hosts, as Envoy does; until the rebuild lands a pick walks
 * past ejected entries. A retry keeps the hash; it moves on the ring only when the engine's
 * context asks to avoid the host (weighted routes with {@code previous_hosts}).
 *
 * <p>Thread-safe and lock-free; picks allocate nothing.
 */
final class RingHashLoadBalancer extends AbstractLoadBalancer<HashRing> {
  private final long minimumRingSize;

  RingHashLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold, long minimumRingSize) {
    this(hosts, state, panicThreshold, minimumRingSize, PriorityPlan.SINGLE);
  }

  RingHashLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold, long minimumRingSize,
      PriorityPlan plan) {
    super(hosts, state, panicThreshold, plan);
    if (minimumRingSize < 1 || minimumRingSize > HashRing.MAX_RING_SIZE) {
      throw new IllegalArgumentException(
          "minimumRingSize: " + minimumRingSize + " (expected: 1.." + HashRing.MAX_RING_SIZE + ")");
    }
    this.minimumRingSize = minimumRingSize;
    start();
  }

  @Override
  HashRing build(UpstreamHost[] usable, boolean panic, long version) {
    return HashRing.build(usable, panic, version, minimumRingSize);
  }

  @Override
  boolean hashesPriority() {
    return true;
  }

  @Override
  long seed(PickContext context) {
    return context.hasHash() ? context.hash() : context.random().nextLong();
  }

  @Override
  UpstreamHost choose(HashRing ring, PickContext context, long hash, int attempt) {
    return ring.choose(hash, attempt);
  }

  @Override
  public String name() {
    return "RING_HASH";
  }
}
