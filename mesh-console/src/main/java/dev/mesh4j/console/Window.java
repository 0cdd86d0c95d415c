package dev.mesh4j.console;

/**
 * Counts over the last {@link #SECONDS} seconds of the mesh's ticker, in one bucket per second:
 * requests, errors and a latency histogram ({@link Latency}), or requests only. A bucket is
 * cleared when its second comes round again, so memory is fixed at creation: {@code 60 × (2 +
 * 41)} ints (about 10 KiB) with latencies, 60 ints without, plus the buckets' seconds.
 *
 * <p>Thread-safe: each update and read holds this window's monitor for a few array writes; a
 * window belongs to one edge, so requests on different edges never contend.
 */
final class Window {
  /** How far back a window looks. */
  static final int SECONDS = 60;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final boolean latencies;
  private final int width;
  /** Per bucket: requests, errors, then the latency histogram's counts (with latencies). */
  private final int[] counts;
  /** The second each bucket holds, or {@code Long.MIN_VALUE} before first use. */
  private final long[] seconds = new long[SECONDS];

  private Window(boolean latencies) {
    this.latencies = latencies;
    this.width = latencies ? 2 + Latency.BUCKETS : 1;
    this.counts = new int[SECONDS * width];
    java.util.Arrays.fill(seconds, Long.MIN_VALUE);
  }

  /** Requests, errors and latencies. */
  static Window withLatencies() {
    return new Window(true);
  }

  /** Requests only. */
  static Window countsOnly() {
    return new Window(false);
  }

  /** One request that ended at {@code nanos} (the mesh's ticker), taking {@code latencyNanos}. */
  synchronized void record(long nanos, boolean error, long latencyNanos) {
    int base = bucket(Math.floorDiv(nanos, NANOS_PER_SECOND)) * width;
    counts[base]++;
    if (latencies) {
      if (error) {
        counts[base + 1]++;
      }
      counts[base + 2 + Latency.bucket(latencyNanos)]++;
    }
  }

  /** One event (a shed, an injected fault) at {@code nanos}. */
  void count(long nanos) {
    record(nanos, false, 0);
  }

  /** The bucket of {@code second}, cleared when it held an older second. */
  private int bucket(long second) {
    int i = (int) Math.floorMod(second, (long) SECONDS);
    if (seconds[i] != second) {
      seconds[i] = second;
      java.util.Arrays.fill(counts, i * width, (i + 1) * width, 0);
    }
    return i;
  }

  /**
   * The totals of the last {@code span} seconds up to and including the second of {@code nanos}
   * ({@code span} at most {@link #SECONDS}).
   */
  synchronized Totals totals(long nanos, int span) {
    long now = Math.floorDiv(nanos, NANOS_PER_SECOND);
    long requests = 0;
    long errors = 0;
    long[] histogram = latencies ? new long[Latency.BUCKETS] : new long[0];
    for (int i = 0; i < SECONDS; i++) {
      long s = seconds[i];
      if (s == Long.MIN_VALUE || s > now || s <= now - Math.min(span, SECONDS)) {
        continue;
      }
      int base = i * width;
      requests += counts[base];
      if (latencies) {
        errors += counts[base + 1];
        for (int b = 0; b < Latency.BUCKETS; b++) {
          histogram[b] += counts[base + 2 + b];
        }
      }
    }
    return new Totals(requests, errors, histogram);
  }

  /**
   * What a window counted over some seconds.
   *
   * @param requests requests (or events)
   * @param errors those that failed
   * @param histogram requests per {@link Latency} bucket (empty for a counts-only window)
   */
  record Totals(long requests, long errors, long[] histogram) {
    /** The latency below which {@code q} (0..1) of the requests fell, in milliseconds; NaN without requests. */
    double quantileMillis(double q) {
      return Latency.quantileMillis(histogram, q);
    }
  }
}
