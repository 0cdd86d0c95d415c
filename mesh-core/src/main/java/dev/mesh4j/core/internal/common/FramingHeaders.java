package dev.mesh4j.core.internal.common;

/**
 * The headers that frame a message or manage its connection (RFC 9112 §6, RFC 9110 §7.6.1). The
 * transport sets them; a route's header operation on one is warned about at load and not applied.
 */
public final class FramingHeaders {
  private FramingHeaders() {}

  /**
   * {@code content-length}, {@code transfer-encoding}, {@code connection}, {@code keep-alive},
   * {@code proxy-connection}, {@code te}, {@code trailer} or {@code upgrade}.
   *
   * @param name a lower-case header name
   */
  public static boolean is(String name) {
    return switch (name) {
      case "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection", "te", "trailer",
          "upgrade" -> true;
      default -> false;
    };
  }
}
