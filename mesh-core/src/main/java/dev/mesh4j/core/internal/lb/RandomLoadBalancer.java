package dev.mesh4j.core.internal.lb;

import java.util.List;

/**
 * {@code RANDOM}: a uniformly random usable host.
 *
 * <p>Envoy's random balancer ({@code random_lb.cc} {@code RandomLoadBalancer::peekOrChoose})
 * returns {@code hosts_to_use[random % size]}: it is a {@code ZoneAwareLoadBalancerBase}, not
 * an EDF balancer, and <b>ignores endpoint weights</b>. mesh4j follows Envoy so that a cluster
 * balances the same in-process as behind a sidecar, although SPEC §5 says weights are honoured
 * by every algorithm: with {@code RANDOM}, they are not, in Envoy or here.
 *
 * <p>Thread-safe and lock-free; picks allocate nothing.
 */
final class RandomLoadBalancer extends AbstractLoadBalancer<RandomLoadBalancer.Hosts> {

  RandomLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold) {
    this(hosts, state, panicThreshold, PriorityPlan.SINGLE);
  }

  RandomLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold,
      PriorityPlan plan) {
    super(hosts, state, panicThreshold, plan);
    start();
  }

  @Override
  Hosts build(UpstreamHost[] usable, boolean panic, long version) {
    return new Hosts(usable, panic, version);
  }

  @Override
  UpstreamHost choose(Hosts t, PickContext context, long seed, int attempt) {
    return walkOn(t, t.hosts, context.random().nextInt(t.hosts.length));
  }

  @Override
  public String name() {
    return "RANDOM";
  }

  /** The usable hosts. */
  static final class Hosts extends Table {
    Hosts(UpstreamHost[] hosts, boolean panic, long version) {
      super(hosts, panic, version);
    }
  }
}
