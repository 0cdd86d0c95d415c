package dev.mesh4j.console;

/**
 * A fixed latency histogram: {@link #BUCKETS} buckets whose bounds grow by √2 from 0.1 ms
 * (0.1, 0.14, 0.2, 0.28, … ms) up to about 74 s; the last bucket takes everything slower.
 * Quantiles interpolate linearly inside a bucket, as Prometheus's {@code histogram_quantile}
 * does, so a reported p50 or p99 lies within one bucket — at most a factor √2 — of the truth.
 */
final class Latency {
  /** Number of buckets, the last one open-ended. */
  static final int BUCKETS = 41;
  /** Upper bounds of the buckets but the last, in nanoseconds. */
  private static final long[] UPPER = new long[BUCKETS - 1];

  static {
    for (int i = 0; i < UPPER.length; i++) {
      UPPER[i] = Math.round(100_000 * Math.pow(2, i / 2.0));
    }
  }

  private Latency() {}

  /** The bucket of a latency. */
  static int bucket(long nanos) {
    // A binary search over 40 bounds: a handful of comparisons, no allocation.
    int lo = 0;
    int hi = UPPER.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (nanos <= UPPER[mid]) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** Lower bound of a bucket, in nanoseconds. */
  static long lower(int bucket) {
    return bucket == 0 ? 0 : UPPER[bucket - 1];
  }

  /** Upper bound of a bucket, in nanoseconds (the open-ended last bucket reports its lower bound). */
  static long upper(int bucket) {
    return bucket < UPPER.length ? UPPER[bucket] : UPPER[UPPER.length - 1];
  }

  /** The {@code q} quantile (0..1) of a histogram, in milliseconds; NaN when it is empty. */
  static double quantileMillis(long[] histogram, double q) {
    long total = 0;
    for (long c : histogram) {
      total += c;
    }
    if (total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    long seen = 0;
    for (int b = 0; b < histogram.length; b++) {
      long c = histogram[b];
      if (c > 0 && seen + c >= rank) {
        double lower = lower(b);
        double upper = upper(b);
        double within = Math.max(0, rank - seen) / c;
        return (lower + (upper - lower) * within) / 1e6;
      }
      seen += c;
    }
    return upper(histogram.length - 1) / 1e6;
  }
}
