package dev.mesh4j.okhttp.conformance;

import dev.mesh4j.core.http.LocalReply;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Real HTTP calls for the conformance tests, and tallies of who answered. */
final class Http {
  private Http() {}

  /**
   * A response, read whole.
   *
   * @param flags the Envoy response flags mesh4j put on a local reply ({@code x-mesh4j-flags}),
   *     or empty
   */
  record Reply(int status, String body, String flags, Headers headers) {
    /** The backend that answered ({@code x-backend}), or null for a local reply. */
    String backend() {
      return headers.get("x-backend");
    }

    @Override
    public String toString() {
      return status + (flags.isEmpty() ? "" : " " + flags) + " \"" + body + "\"";
    }
  }

  /** {@code GET url} with the given header name/value pairs. */
  static Reply get(OkHttpClient client, String url, String... headers) throws IOException {
    return call(client, "GET", url, headers);
  }

  static Reply call(OkHttpClient client, String method, String url, String... headers) throws IOException {
    Request.Builder b = new Request.Builder().url(url);
    for (int i = 0; i < headers.length; i += 2) {
      b.addHeader(headers[i], headers[i + 1]);
    }
    b.method(method, method.equals("POST") || method.equals("PUT") ? RequestBody.create(new byte[0]) : null);
    try (Response r = client.newCall(b.build()).execute()) {
      String flags = r.header(LocalReply.FLAGS_HEADER);
      return new Reply(r.code(), r.body().string(), flags == null ? "" : flags, r.headers());
    }
  }

  /** Sends {@code n} identical requests; counts the replies by {@link Reply#toString()}. */
  static Map<String, Integer> tally(OkHttpClient client, int n, String url, String... headers) throws IOException {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(get(client, url, headers).toString(), 1, Integer::sum);
    }
    return counts;
  }

  /** Counts by backend name ({@code "local <status> <flags>"} for local replies). */
  static Map<String, Integer> byBackend(OkHttpClient client, int n, String url, String... headers)
      throws IOException {
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
