package dev.mesh4j.conformance;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A response as the application read it, whole.
 *
 * @param flags the Envoy response flags mesh4j put on a local reply ({@code x-mesh4j-flags}), or
 *     empty
 * @param headers the response headers, names in lower case
 */
public record Reply(int status, String body, String flags, Map<String, List<String>> headers) {

  public Reply {
    headers = Map.copyOf(headers);
  }

  /** The first value of a response header (any case), or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The backend that answered ({@code x-backend}), or null for a local reply. */
  public String backend() {
    return header("x-backend");
  }

  @Override
  public String toString() {
    return status + (flags.isEmpty() ? "" : " " + flags) + " \"" + body + "\"";
  }
}
