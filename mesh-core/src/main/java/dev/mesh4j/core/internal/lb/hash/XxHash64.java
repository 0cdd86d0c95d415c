package dev.mesh4j.core.internal.lb.hash;

import java.nio.charset.StandardCharsets;
import net.openhft.hashing.LongHashFunction;

/**
 * XXH64, the hash Envoy uses for consistent hashing ({@code source/common/common/hash.h}
 * {@code HashUtil::xxHash64(string_view, seed = 0)}, a call of the reference {@code XXH64}).
 *
 * <p>Request keys, ring entries ({@code "ip:port_i"}) and Maglev offsets use seed 0; Maglev's
 * skip uses seed 1. Strings are hashed as their UTF-8 bytes, as Envoy hashes the raw bytes of a
 * header or address, with no terminator or length prefix. The result is an unsigned 64-bit value
 * held in a {@code long}: compare with {@link Long#compareUnsigned} and reduce with
 * {@link Long#remainderUnsigned}.
 *
 * <p>Backed by OpenHFT zero-allocation-hashing ({@code LongHashFunction.xx(seed)}), whose output
 * the tests check against the reference C implementation's values. Thread-safe and stateless.
 */
public final class XxHash64 {
  private static final LongHashFunction SEED_0 = LongHashFunction.xx();
  private static final LongHashFunction SEED_1 = LongHashFunction.xx(1);

  private XxHash64() {}

  /** XXH64 with seed 0 of the UTF-8 bytes of {@code s}. */
  public static long hash(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return SEED_0.hashBytes(b, 0, b.length);
  }

  /** XXH64 with seed 0 of {@code len} bytes of {@code b} from {@code off}. */
  public static long hash(byte[] b, int off, int len) {
    return SEED_0.hashBytes(b, off, len);
  }

  /** XXH64 with the given seed (0 or 1, the only seeds Envoy uses) of the UTF-8 bytes of {@code s}. */
  public static long hash(String s, long seed) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return function(seed).hashBytes(b, 0, b.length);
  }

  /** XXH64 with the given seed of {@code len} bytes of {@code b} from {@code off}. */
  public static long hash(byte[] b, int off, int len, long seed) {
    return function(seed).hashBytes(b, off, len);
  }

  private static LongHashFunction function(long seed) {
    if (seed == 0) {
      return SEED_0;
    }
    return seed == 1 ? SEED_1 : LongHashFunction.xx(seed);
  }
}
