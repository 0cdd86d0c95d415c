package dev.mesh4j.okhttp;

import dev.mesh4j.api.endpoint.Endpoint;
import java.util.concurrent.atomic.AtomicReferenceArray;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * The URL of each endpoint recently sent to ({@code scheme://address:port/}), built once per
 * endpoint. {@code HttpUrl.Builder.host} canonicalises the host on every call (percent-decoding,
 * IDN to ASCII and back, the checks of an IP literal): about 320 bytes per attempt. An attempt's
 * URL starts from the endpoint's instead, whose host is canonical already.
 *
 * <p>Endpoints are looked up by identity: the engine hands a transport the same {@link Endpoint}
 * for as long as the endpoint is registered, and one made anew (after an endpoint update) misses
 * once. A fixed number of slots, each holding one immutable entry that another endpoint landing on
 * the same slot replaces: bounded, and endpoints long gone are dropped as others take their
 * slots. Lock-free and thread-safe (a race builds the same URL twice).
 */
final class EndpointUrls {
  /** Slots, a power of two: more than the endpoints one client sends to at a time, in most meshes. */
  static final int SLOTS = 256;

  private final AtomicReferenceArray<Entry> entries = new AtomicReferenceArray<>(SLOTS);

  private record Entry(Endpoint endpoint, String scheme, HttpUrl url) {}

  /** {@code scheme://address:port/} for the endpoint, its host canonicalised once. */
  HttpUrl base(Endpoint endpoint, String scheme) {
    int slot = mix(System.identityHashCode(endpoint) * 31 + scheme.hashCode()) & (SLOTS - 1);
    Entry e = entries.get(slot);
    if (e != null && e.endpoint == endpoint && e.scheme.equals(scheme)) {
      return e.url;
    }
    HttpUrl url = new HttpUrl.Builder().scheme(scheme).host(endpoint.address()).port(endpoint.port()).build();
    entries.set(slot, new Entry(endpoint, scheme, url));
    return url;
  }

  /**
   * The URL of an attempt to the endpoint: the application's URL {@code app} with the endpoint's
   * scheme, host and port and the path to send, built from the endpoint's URL. The same URL as
   * {@code app.newBuilder().scheme(scheme).host(address).port(port).encodedPath(path)} gives, without
   * canonicalising the host again. Null when {@code app} has user info or a fragment (not carried
   * over from the endpoint's URL) or the path does not start with {@code /}: the caller then
   * builds it that way.
   */
  @Nullable HttpUrl attemptUrl(HttpUrl app, Endpoint endpoint, String scheme, String encodedPath,
      @Nullable String encodedQuery) {
    if (!app.encodedUsername().isEmpty() || !app.encodedPassword().isEmpty() || app.encodedFragment() != null
        || !encodedPath.startsWith("/")) {
      return null;
    }
    return base(endpoint, scheme).newBuilder().encodedPath(encodedPath).encodedQuery(encodedQuery).build();
  }

  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    return h ^ (h >>> 13);
  }
}
