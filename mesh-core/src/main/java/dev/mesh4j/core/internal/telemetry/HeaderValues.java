package dev.mesh4j.core.internal.telemetry;

import org.jspecify.annotations.Nullable;

/**
 * The gate every propagated value passes: too long, or holding anything but visible ASCII,
 * space and tab (CR and LF above all), and it is dropped — never thrown, never forwarded.
 */
final class HeaderValues {
  /** {@code x-request-id}: Envoy's are 36 characters; anything sane fits. */
  static final int MAX_REQUEST_ID = 256;
  /** {@code traceparent}, {@code b3}: 55 characters for today's versions. */
  static final int MAX_TRACE_ID_HEADER = 512;
  /** {@code tracestate}: 32 members (W3C); long enough for real vendors' states. */
  static final int MAX_TRACESTATE = 4096;
  /** {@code baggage}: W3C Baggage's limit of 8192 bytes. */
  static final int MAX_BAGGAGE = 8192;
  /** {@code x-ot-span-context} and user-named headers. */
  static final int MAX_OTHER = 8192;

  private HeaderValues() {}

  /** The value, or null when it is absent, too long or holds a character a header may not. */
  static @Nullable String clean(@Nullable String value, int maxLength) {
    if (value == null || value.length() > maxLength) {
      return null;
    }
    for (int i = 0, n = value.length(); i < n; i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c > 0x7e) {
        return null;
      }
    }
    return value;
  }

  /** Whether {@code name} is an HTTP header name (an RFC 9110 token). */
  static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0, n = name.length(); i < n; i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The length limit of a propagated header. */
  static int limit(String lowerCaseName) {
    return switch (lowerCaseName) {
      case "x-request-id" -> MAX_REQUEST_ID;
      case "traceparent", "b3" -> MAX_TRACE_ID_HEADER;
      case "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags" -> 64;
      case "tracestate" -> MAX_TRACESTATE;
      case "baggage" -> MAX_BAGGAGE;
      default -> MAX_OTHER;
    };
  }
}
