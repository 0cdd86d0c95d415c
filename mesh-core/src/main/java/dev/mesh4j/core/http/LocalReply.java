package dev.mesh4j.core.http;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A response mesh4j makes itself instead of forwarding, shaped like Envoy's local replies.
 * Immutable.
 *
 * @param status the HTTP status
 * @param flags Envoy response flags ({@code NR}, {@code UH}, …, comma-separated), or empty
 * @param body the body (sent as {@code text/plain} when not empty)
 * @param headers extra response headers, e.g. {@code location} for a redirect
 */
public record LocalReply(int status, String flags, String body, Map<String, String> headers) {

  /** The response header carrying {@link #flags()}. */
  public static final String FLAGS_HEADER = "x-mesh4j-flags";

  public LocalReply {
    requireNonNull(flags, "flags");
    requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  public static LocalReply of(int status, String flags, String body) {
    return new LocalReply(status, flags, body, Map.of());
  }
}
