package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.api.runtime.RandomSource;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceId;
import java.util.UUID;

/** Random identifiers from the mesh's random source. */
final class Ids {
  private Ids() {}

  /** A random UUID version 4, as Envoy generates {@code x-request-id}. */
  static String requestId(RandomSource random) {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /** A valid (not all-zero) 128-bit trace id in lowercase hex. */
  static String traceId(RandomSource random) {
    long hi;
    long lo;
    do {
      hi = random.nextLong();
      lo = random.nextLong();
    } while (hi == 0 && lo == 0);
    return TraceId.fromLongs(hi, lo);
  }

  /** A valid (non-zero) 64-bit span id in lowercase hex. */
  static String spanId(RandomSource random) {
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    return SpanId.fromLong(id);
  }
}
