package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.core.http.ConnectionSettings;
import dev.mesh4j.core.internal.cluster.Cluster;
import org.jspecify.annotations.Nullable;

/**
 * How requests to a cluster's endpoints go out: plain or TLS (with the SNI to send and verify)
 * and the connection settings. Derived from the cluster's merged policy and the scheme the
 * application used. The static methods give each part without allocating, for the per-request
 * path.
 *
 * <p>A request never loses TLS the application asked for: an {@code https} request to a cluster
 * that does not originate TLS itself keeps the application's own TLS to the endpoint, named by
 * the logical host, as a sidecar passes an application's TLS through untouched.
 *
 * @param scheme {@code https} when mesh4j originates TLS or the application asked for it,
 *     {@code http} otherwise; the application's scheme for passthrough
 * @param tls the TLS settings mesh4j originates with, or null (plain text, or the application's
 *     own TLS when {@code scheme} is {@code https})
 * @param sni the server name to send and verify over TLS: the DestinationRule's {@code sni},
 *     else the logical host; null for plain text and passthrough
 * @param connection the cluster's connect timeout ({@code connectionPool.tcp.connectTimeout},
 *     else Istio's 10s), idle timeout and requests per connection
 */
record Origination(String scheme, @Nullable ClientTlsSettings tls, @Nullable String sni,
    ConnectionSettings connection) {

  /** To the address the application named, as it named it. */
  static Origination passthrough(String requestScheme) {
    return new Origination(requestScheme, null, null, Cluster.DEFAULT_CONNECTION);
  }

  /** To an endpoint of the cluster, whose logical host is {@code logicalHost}. */
  static Origination of(Cluster cluster, String logicalHost, String requestScheme) {
    return new Origination(scheme(cluster, requestScheme), tls(cluster), sni(cluster, logicalHost, requestScheme),
        connection(cluster));
  }

  /** {@code https} when the cluster originates TLS; else the application's scheme, never downgraded. */
  static String scheme(Cluster cluster, String requestScheme) {
    return !cluster.isPassthrough() && cluster.tls() != null ? "https" : requestScheme;
  }

  static @Nullable ClientTlsSettings tls(Cluster cluster) {
    return cluster.isPassthrough() ? null : cluster.tls();
  }

  static @Nullable String sni(Cluster cluster, String logicalHost, String requestScheme) {
    if (cluster.isPassthrough()) {
      return null;
    }
    ClientTlsSettings tls = cluster.tls();
    if (tls != null) {
      return tls.sni() != null ? tls.sni() : serverName(logicalHost);
    }
    return requestScheme.equals("https") ? serverName(logicalHost) : null;
  }

  /**
   * The TLS server name of a request host: a fully qualified host ({@code web.shop.test.}) names
   * the same server as without its trailing dot, which a server name never carries (RFC 6066 §3),
   * nor a certificate's DNS names.
   */
  static String serverName(String host) {
    return host.length() > 1 && host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  static ConnectionSettings connection(Cluster cluster) {
    return cluster.isPassthrough() ? Cluster.DEFAULT_CONNECTION : cluster.connection();
  }
}
