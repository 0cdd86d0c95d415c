package dev.mesh4j.core.internal.lb.hash;

import dev.mesh4j.api.config.ConsistentHashLb;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Cookie reading and writing exactly as Envoy does it for hash policies
 * ({@code source/common/http/utility.cc}: {@code forEachCookie}/{@code parseCookie},
 * {@code Utility::makeSetCookieValue}; {@code source/common/common/hex.cc}
 * {@code Hex::uint64ToHex}). Stateless and thread-safe.
 */
final class Cookies {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Cookies() {}

  /**
   * The value of the first cookie named {@code name}, or null when there is none.
   *
   * <p>Envoy splits every {@code cookie} header on {@code ;} (dropping empty pieces), skips
   * leading spaces, takes the name up to the first {@code =} (pieces without {@code =} are
   * ignored), compares it case-sensitively, and strips one pair of surrounding double quotes
   * from the value. The first match wins even when its value is empty.
   *
   * <p>The engine's request view joins repeated {@code cookie} headers with {@code ","}; since a
   * cookie value cannot contain a comma (RFC 6265 {@code cookie-octet}), a comma is also taken
   * as a separator here, so that a second {@code cookie} header is still searched as Envoy does.
   */
  static @Nullable String value(@Nullable String header, String name) {
    if (header == null) {
      return null;
    }
    int n = header.length();
    int start = 0;
    while (start < n) {
      int end = start;
      while (end < n && header.charAt(end) != ';' && header.charAt(end) != ',') {
        end++;
      }
      int eq = header.indexOf('=', start);
      if (eq >= 0 && eq < end) {
        int k = start;
        while (k < eq && header.charAt(k) == ' ') {
          k++;
        }
        if (eq - k == name.length() && header.startsWith(name, k)) {
          int vs = eq + 1;
          int ve = end;
          if (ve - vs >= 2 && header.charAt(vs) == '"' && header.charAt(ve - 1) == '"') {
            vs++;
            ve--;
          }
          return header.substring(vs, ve);
        }
      }
      start = end + 1;
    }
    return null;
  }

  /** {@code Hex::uint64ToHex}: the 8 bytes big-endian as 16 lowercase hex digits. */
  static String toHex(long v) {
    char[] c = new char[16];
    for (int i = 15; i >= 0; i--) {
      c[i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
    return new String(c);
  }

  /**
   * {@code Utility::makeSetCookieValue(name, value, path, ttl, httponly = true, attributes)}:
   * {@code name="value"; Max-Age=<s>; Path=<path>; <attr>=<v>; HttpOnly}, with
   * {@code Max-Age} only for a non-zero ttl (whole seconds: Envoy drops the nanoseconds), the
   * path only when non-empty, and an attribute without a value written as its bare name.
   */
  static String setCookie(
      String name, String value, @Nullable String path, Duration ttl,
      List<ConsistentHashLb.Attribute> attributes) {
    StringBuilder sb = new StringBuilder(name.length() + value.length() + 40);
    sb.append(name).append("=\"").append(value).append('"');
    long seconds = ttl.getSeconds();
    if (seconds != 0) {
      sb.append("; Max-Age=").append(seconds);
    }
    if (path != null && !path.isEmpty()) {
      sb.append("; Path=").append(path);
    }
    for (ConsistentHashLb.Attribute a : attributes) {
      sb.append("; ").append(a.name());
      if (a.value() != null && !a.value().isEmpty()) {
        sb.append('=').append(a.value());
      }
    }
    return sb.append("; HttpOnly").toString();
  }
}
