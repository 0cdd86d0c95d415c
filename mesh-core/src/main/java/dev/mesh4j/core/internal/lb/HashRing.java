package dev.mesh4j.core.internal.lb;

import dev.mesh4j.core.internal.lb.hash.XxHash64;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Envoy's ring-hash ring, built and searched exactly as {@code ring_hash_lb.cc}
 * {@code RingHashLoadBalancer::Ring::Ring} and {@code Ring::chooseHost} do, with Istio's
 * settings (XX_HASH, no hostname hashing, no {@code envoy.lb} hash keys, no bounded load).
 *
 * <p>Construction, in Envoy's operation order and in {@code double}s so that entry counts
 * match to the last rounding ({@code thread_aware_lb_impl.cc} {@code normalizeHostWeights}):
 *
 * <pre>
 * w_i   = weight_i * 1.0 / Σweight;  min_w = min(1.0, w_i …)
 * scale = min(ceil(min_w * minimumRingSize) / min_w, maximumRingSize)
 * for each host in order: target += scale * w_i
 *   while current < target: add (XXH64("&lt;ip:port&gt;_&lt;i&gt;"), host); i++; current++
 * sort by hash (unsigned)
 * </pre>
 *
 * <p>Lookup is the first entry whose hash is {@code >=} the request hash, wrapping to entry 0
 * (what Envoy's ketama binary search computes); a retry attempt {@code k} that must avoid
 * earlier hosts takes the entry {@code k} places further on. Hosts are keyed by
 * {@code Endpoint.hostPort()}, Envoy's {@code address()->asString()}.
 *
 * <p>Immutable and thread-safe. Memory: a {@code long} and a reference per entry.
 */
final class HashRing extends AbstractLoadBalancer.Table {
  /** Envoy's default {@code maximum_ring_size}; Istio never sets it. */
  static final long MAX_RING_SIZE = 8L * 1024 * 1024;

  /** Entry hashes with the sign bit flipped, so that signed order is unsigned order. */
  private final long[] keys;
  private final UpstreamHost[] owners;

  private HashRing(UpstreamHost[] hosts, boolean panic, long version, long[] keys,
      UpstreamHost[] owners) {
    super(hosts, panic, version);
    this.keys = keys;
    this.owners = owners;
  }

  static HashRing build(UpstreamHost[] hosts, boolean panic, long version, long minimumRingSize) {
    if (minimumRingSize < 1 || minimumRingSize > MAX_RING_SIZE) {
      throw new IllegalArgumentException(
          "minimumRingSize: " + minimumRingSize + " (expected: 1.." + MAX_RING_SIZE + ")");
    }
    int n = hosts.length;
    if (n == 0) {
      return new HashRing(hosts, panic, version, new long[0], new UpstreamHost[0]);
    }
    long sum = 0;
    for (UpstreamHost h : hosts) {
      sum += h.weight();
    }
    double[] normalized = new double[n];
    double minWeight = 1.0;
    for (int i = 0; i < n; i++) {
      normalized[i] = hosts[i].weight() * 1.0 / sum;
      minWeight = Math.min(minWeight, normalized[i]);
    }
    double scale = Math.min(Math.ceil(minWeight * minimumRingSize) / minWeight,
        (double) MAX_RING_SIZE);
    int capacity = (int) Math.ceil(scale) + n;
    long[] hashes = new long[capacity];
    int[] hostIndex = new int[capacity];
    int size = 0;
    double currentHashes = 0.0;
    double targetHashes = 0.0;
    for (int h = 0; h < n; h++) {
      byte[] prefix = (hosts[h].endpoint().hostPort() + "_").getBytes(StandardCharsets.UTF_8);
      byte[] key = Arrays.copyOf(prefix, prefix.length + 20);
      targetHashes += scale * normalized[h];
      long i = 0;
      while (currentHashes < targetHashes) {
        if (size == hashes.length) {
          // Rounding can add an entry beyond ceil(scale); never more than one per host.
          hashes = Arrays.copyOf(hashes, size + n);
          hostIndex = Arrays.copyOf(hostIndex, size + n);
        }
        int len = prefix.length + writeDecimal(key, prefix.length, i);
        hashes[size] = XxHash64.hash(key, 0, len);
        hostIndex[size] = h;
        size++;
        i++;
        currentHashes++;
      }
    }
    sortUnsigned(hashes, hostIndex, size);
    long[] keys = new long[size];
    UpstreamHost[] owners = new UpstreamHost[size];
    for (int i = 0; i < size; i++) {
      keys[i] = hashes[i] ^ Long.MIN_VALUE;
      owners[i] = hosts[hostIndex[i]];
    }
    return new HashRing(hosts, panic, version, keys, owners);
  }

  /** The ring position for a request hash: first entry with hash >= it, else 0. */
  int position(long hash) {
    long k = hash ^ Long.MIN_VALUE;
    int lo = 0;
    int hi = keys.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (keys[mid] < k) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == keys.length ? 0 : lo;
  }

  /** The host for a request hash at a retry attempt (0 first), walking past ejected hosts. */
  UpstreamHost choose(long hash, int attempt) {
    int n = owners.length;
    int pos = position(hash);
    if (attempt > 0) {
      pos = (int) ((pos + (long) attempt) % n);
    }
    UpstreamHost landed = owners[pos];
    if (panic || landed.isHealthy()) {
      return landed;
    }
    for (int k = 1; k < n; k++) {
      UpstreamHost h = owners[(pos + k) % n];
      if (h.isHealthy()) {
        return h;
      }
    }
    return landed;
  }

  int size() {
    return keys.length;
  }

  /** The hash of entry {@code i} (unsigned), for tests and explain. */
  long hashAt(int i) {
    return keys[i] ^ Long.MIN_VALUE;
  }

  UpstreamHost hostAt(int i) {
    return owners[i];
  }

  /** Writes {@code v >= 0} in decimal at {@code off}; returns the digit count. */
  private static int writeDecimal(byte[] b, int off, long v) {
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    for (int i = off + digits - 1; i >= off; i--) {
      b[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return digits;
  }

  /**
   * Sorts the first {@code n} hashes as unsigned values, carrying their host indices along:
   * an LSD radix sort on bytes, linear in {@code n} (an 8M-entry ring sorts in well under a
   * second, where sorting boxed entries would not). Stable; Envoy's {@code std::sort} leaves
   * equal hashes (never seen with 64-bit XXH64) in unspecified order.
   */
  static void sortUnsigned(long[] hashes, int[] hostIndex, int n) {
    long[] h = hashes;
    int[] o = hostIndex;
    long[] h2 = new long[n];
    int[] o2 = new int[n];
    int[] count = new int[257];
    for (int shift = 0; shift < 64; shift += 8) {
      Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) ((h[i] >>> shift) & 0xff) + 1]++;
      }
      for (int b = 0; b < 256; b++) {
        count[b + 1] += count[b];
      }
      for (int i = 0; i < n; i++) {
        int dst = count[(int) ((h[i] >>> shift) & 0xff)]++;
        h2[dst] = h[i];
        o2[dst] = o[i];
      }
      long[] th = h;
      h = h2;
      h2 = th;
      int[] to = o;
      o = o2;
      o2 = to;
    }
    // Eight passes: the sorted data is back in the caller's arrays.
  }
}
