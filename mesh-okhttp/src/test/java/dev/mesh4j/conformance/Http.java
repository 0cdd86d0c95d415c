package dev.mesh4j.conformance;

import dev.mesh4j.conformance.Transport.Client;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Real HTTP calls for the conformance tests, through any transport, and tallies of who answered. */
final class Http {
  private Http() {}

  /** {@code GET url} with the given header name/value pairs. */
  static Reply get(Client client, String url, String... headers) throws IOException {
    return client.call("GET", url, headers);
  }

  static Reply call(Client client, String method, String url, String... headers) throws IOException {
    return client.call(method, url, headers);
  }

  /** Sends {@code n} identical requests; counts the replies by {@link Reply#toString()}. */
  static Map<String, Integer> tally(Client client, int n, String url, String... headers) throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(get(client, url, headers).toString(), 1, Integer::sum);
    }
    return counts;
  }

  /** Counts by backend name ({@code "local <status> <flags>"} for local replies). */
  static Map<String, Integer> byBackend(Client client, int n, String url, String... headers) throws IOException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Reply r = get(client, url, headers);
      String who = r.backend() != null ? r.backend() : "local " + r.status() + " " + r.flags();
      counts.merge(who, 1, Integer::sum);
    }
    return counts;
  }

  /** A tally holding exactly one outcome, {@code n} times. */
  static Map<String, Integer> all(int n, String outcome) {
    return Map.of(outcome, n);
  }
}
