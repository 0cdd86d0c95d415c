package dev.mesh4j.istiod.internal;

import java.time.Duration;

/** Small conversions from protobuf well-known types. */
final class Protos {
  /** The range protobuf's Duration allows: ±10,000 years ({@code duration.proto}). */
  private static final long MAX_SECONDS = 315_576_000_000L;

  private Protos() {}

  /** A uint32 as the unsigned number it is (Istio writes 2^32-1 for "unlimited"). */
  static long u32(com.google.protobuf.UInt32Value v) {
    return Integer.toUnsignedLong(v.getValue());
  }

  /**
   * A protobuf Duration as a Java one.
   *
   * @throws IllegalArgumentException for one that protobuf's own rules call invalid (seconds
   *     beyond ±10,000 years, nanos beyond ±999,999,999 or of the other sign)
   */
  static Duration duration(com.google.protobuf.Duration d) {
    long s = d.getSeconds();
    int n = d.getNanos();
    if (s < -MAX_SECONDS || s > MAX_SECONDS || n <= -1_000_000_000 || n >= 1_000_000_000
        || s > 0 && n < 0 || s < 0 && n > 0) {
      throw new IllegalArgumentException("not a valid protobuf Duration (seconds " + s + ", nanos " + n + ")");
    }
    return Duration.ofSeconds(s, n);
  }
}
