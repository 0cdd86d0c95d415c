package dev.mesh4j.istiod.internal;

import java.time.Duration;

/** Small conversions from protobuf well-known types. */
final class Protos {
  private Protos() {}

  static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }
}
