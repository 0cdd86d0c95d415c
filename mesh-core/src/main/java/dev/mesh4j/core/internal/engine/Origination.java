package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.core.http.ConnectionSettings;
import dev.mesh4j.core.internal.cluster.Cluster;
import org.jspecify.annotations.Nullable;

/**
 * How requests to a cluster's endpoints go out: plain or TLS (with the SNI to send and verify)
 * and the connection settings. Derived from the cluster's merged policy. The static methods
 * give each part without allocating, for the per-request path.
 *
 * @param scheme {@code http}, {@code https} when originating TLS, or the application's scheme
 *     for passthrough
 * @param tls the TLS settings, or null
 * @param sni the server name: the DestinationRule's {@code sni}, else the logical host
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
    return new Origination(scheme(cluster, requestScheme), tls(cluster), sni(cluster, logicalHost),
        connection(cluster));
  }

  static String scheme(Cluster cluster, String requestScheme) {
    return cluster.isPassthrough() ? requestScheme : cluster.tls() == null ? "http" : "https";
  }

  static @Nullable ClientTlsSettings tls(Cluster cluster) {
    return cluster.isPassthrough() ? null : cluster.tls();
  }

  static @Nullable String sni(Cluster cluster, String logicalHost) {
    ClientTlsSettings tls = tls(cluster);
    return tls == null ? null : tls.sni() != null ? tls.sni() : logicalHost;
  }

  static ConnectionSettings connection(Cluster cluster) {
    return cluster.isPassthrough() ? Cluster.DEFAULT_CONNECTION : cluster.connection();
  }
}
