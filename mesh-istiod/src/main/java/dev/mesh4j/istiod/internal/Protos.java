package dev.mesh4j.istiod.internal;

import java.time.Duration;

/** Small conversions from protobuf well-known types. */
final class Protos {
  private Protos() {}

  /** A uint32 as the unsigned number it is (Istio writes 2^32-1 for "unlimited"). */
  static long u32(com.google.protobuf.UInt32Value v) {
    return Integer.toUnsignedLong(v.getValue());
  }

  static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }
}
