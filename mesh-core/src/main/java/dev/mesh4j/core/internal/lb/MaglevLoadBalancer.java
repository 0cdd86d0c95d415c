package dev.mesh4j.core.internal.lb;

import java.util.List;

/**
 * {@code consistentHash} with {@code maglev}: Envoy's {@code MAGLEV} over the usable hosts,
 * see {@link MaglevTable}.
 *
 * <p>The request hash comes from {@link PickContext#hash()}; a request without one gets a
 * random 64-bit value, as Envoy does. When hosts are ejected or restored the table is rebuilt
 * from the usable hosts (Envoy rebuilds; it does not walk); until the rebuild lands a pick
 * walks past ejected slots. A retry keeps the hash and changes slot only when the engine's
 * context asks to avoid the host.
 *
 * <p>Thread-safe and lock-free; picks allocate nothing.
 */
final class MaglevLoadBalancer extends AbstractLoadBalancer<MaglevTable> {
  private final long tableSize;

  MaglevLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold, long tableSize) {
    this(hosts, state, panicThreshold, tableSize, PriorityPlan.SINGLE);
  }

  MaglevLoadBalancer(List<UpstreamHost> hosts, ClusterState state, int panicThreshold, long tableSize,
      PriorityPlan plan) {
    super(hosts, state, panicThreshold, plan);
    if (tableSize < 2 || tableSize > MaglevTable.MAX_TABLE_SIZE || !isPrime(tableSize)) {
      throw new IllegalArgumentException("tableSize: " + tableSize
          + " (expected: a prime number up to " + MaglevTable.MAX_TABLE_SIZE + ")");
    }
    this.tableSize = tableSize;
    start();
  }

  @Override
  MaglevTable build(UpstreamHost[] usable, boolean panic, long version) {
    return MaglevTable.build(usable, panic, version, tableSize);
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
  UpstreamHost choose(MaglevTable table, PickContext context, long hash, int attempt) {
    return table.choose(hash, attempt);
  }

  @Override
  public String name() {
    return "MAGLEV";
  }

  static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    for (long i = 2; i * i <= n; i++) {
      if (n % i == 0) {
        return false;
      }
    }
    return true;
  }
}
