package dev.mesh4j.core.internal.lb;

import dev.mesh4j.core.internal.lb.hash.XxHash64;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Envoy's Maglev lookup table, built exactly as {@code maglev_lb.cc}
 * {@code MaglevTable::constructMaglevTableInternal},
 * {@code OriginalMaglevTable::constructImplementationInternals} and {@code MaglevTable::permutation}
 * do (Envoy ≥ 1.27, whose table depends only on the set of hosts and weights, not their order).
 *
 * <pre>
 * M = tableSize (prime); w_i = weight_i * 1.0 / Σweight; max_w = max(0.0, w_i …)
 * sort hosts by key bytes ("ip:port")
 * offset_i = XXH64(key_i, seed 0) % M;  skip_i = XXH64(key_i, seed 1) % (M - 1) + 1
 * for iteration = 1, 2, … while the table has empty slots:
 *   for each host i in sorted order while the table has empty slots:
 *     if iteration * w_i < target_i: skip this host this round
 *     target_i += max_w
 *     take the first empty slot of (offset_i + skip_i * next_i) % M, next_i = 0, 1, …
 * </pre>
 *
 * <p>Lookup is {@code table[hash % M]} (unsigned); a retry attempt {@code k} that must avoid
 * earlier hosts looks up {@code hash ^ -k} instead ({@code OriginalMaglevTable::chooseHost}).
 * One host needs no table ({@code DegenerateMaglevTable}).
 *
 * <p>Immutable and thread-safe. Memory: one reference per slot.
 */
final class MaglevTable extends AbstractLoadBalancer.Table {
  /** Envoy's largest accepted {@code table_size} (validated in config). */
  static final long MAX_TABLE_SIZE = 5_000_011;

  private final UpstreamHost[] slots;

  private MaglevTable(UpstreamHost[] hosts, boolean panic, long version, UpstreamHost[] slots) {
    super(hosts, panic, version);
    this.slots = slots;
  }

  static MaglevTable build(UpstreamHost[] hosts, boolean panic, long version, long tableSize) {
    if (tableSize < 2 || tableSize > MAX_TABLE_SIZE) {
      throw new IllegalArgumentException(
          "tableSize: " + tableSize + " (expected: a prime in 2.." + MAX_TABLE_SIZE + ")");
    }
    int n = hosts.length;
    if (n <= 1) {
      return new MaglevTable(hosts, panic, version, hosts.clone());
    }
    int m = (int) tableSize;
    long sum = 0;
    for (UpstreamHost h : hosts) {
      sum += h.weight();
    }
    double maxWeight = 0.0;
    double[] normalized = new double[n];
    for (int i = 0; i < n; i++) {
      normalized[i] = hosts[i].weight() * 1.0 / sum;
      maxWeight = Math.max(maxWeight, normalized[i]);
    }
    byte[][] keys = new byte[n][];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      keys[i] = hosts[i].endpoint().hostPort().getBytes(StandardCharsets.UTF_8);
      order[i] = i;
    }
    // Envoy sorts (key, host pointer, weight) tuples; equal keys cannot occur within a cluster,
    // the index only makes the order total.
    Arrays.sort(order, Comparator.<Integer, byte[]>comparing(i -> keys[i], Arrays::compareUnsigned)
        .thenComparingInt(i -> i));
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    double[] weight = new double[n];
    double[] target = new double[n];
    UpstreamHost[] owner = new UpstreamHost[n];
    for (int e = 0; e < n; e++) {
      int i = order[e];
      byte[] k = keys[i];
      offset[e] = Long.remainderUnsigned(XxHash64.hash(k, 0, k.length), m);
      skip[e] = Long.remainderUnsigned(XxHash64.hash(k, 0, k.length, 1), m - 1) + 1;
      weight[e] = normalized[i];
      owner[e] = hosts[i];
    }
    UpstreamHost[] table = new UpstreamHost[m];
    int filled = 0;
    for (long iteration = 1; filled < m; iteration++) {
      for (int e = 0; e < n && filled < m; e++) {
        if (iteration * weight[e] < target[e]) {
          continue;
        }
        target[e] += maxWeight;
        // offset < M and skip * next < M * M < 2^46: no overflow.
        int c = (int) ((offset[e] + skip[e] * next[e]) % m);
        while (table[c] != null) {
          next[e]++;
          c = (int) ((offset[e] + skip[e] * next[e]) % m);
        }
        table[c] = owner[e];
        next[e]++;
        filled++;
      }
    }
    return new MaglevTable(hosts, panic, version, table);
  }

  /** The slot for a request hash at a retry attempt (0 first). */
  int slot(long hash, int attempt) {
    long h = attempt > 0 ? hash ^ -(long) attempt : hash;
    return (int) Long.remainderUnsigned(h, slots.length);
  }

  /** The host for a request hash at a retry attempt, walking past ejected hosts. */
  UpstreamHost choose(long hash, int attempt) {
    return AbstractLoadBalancer.walkOn(this, slots, slot(hash, attempt));
  }

  int size() {
    return slots.length;
  }

  UpstreamHost hostAt(int slot) {
    return slots[slot];
  }
}
