package dev.mesh4j.conformance;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The application's own client settings a conformance test needs, which each transport maps onto
 * its client. Immutable.
 *
 * @param callTimeout the application's own timeout for a whole call, or null for none
 * @param proxy an HTTP proxy every connection goes through, or null for none
 * @param hosts names the application resolves itself (for requests the mesh passes through) and
 *     their addresses; a transport whose client cannot resolve names per client checks that the
 *     process resolves them so
 * @param followRedirects whether the client follows redirects
 */
public record ClientOptions(@Nullable Duration callTimeout, @Nullable InetSocketAddress proxy,
    Map<String, String> hosts, boolean followRedirects) {

  public ClientOptions {
    hosts = Map.copyOf(hosts);
  }

  /** The transport's defaults: no timeout, no proxy, the system's name resolution, redirects followed. */
  public static ClientOptions defaults() {
    return new ClientOptions(null, null, Map.of(), true);
  }

  public ClientOptions callTimeout(Duration timeout) {
    return new ClientOptions(timeout, proxy, hosts, followRedirects);
  }

  public ClientOptions proxy(InetSocketAddress address) {
    return new ClientOptions(callTimeout, address, hosts, followRedirects);
  }

  public ClientOptions hosts(Map<String, String> names) {
    return new ClientOptions(callTimeout, proxy, names, followRedirects);
  }

  public ClientOptions followRedirects(boolean follow) {
    return new ClientOptions(callTimeout, proxy, hosts, follow);
  }
}
