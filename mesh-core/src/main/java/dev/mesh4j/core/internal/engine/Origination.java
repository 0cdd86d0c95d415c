package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.core.http.ConnectionSettings;
import dev.mesh4j.core.internal.cluster.Cluster;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How requests to a cluster's endpoints go out: plain or TLS (with the SNI to send and verify)
 * and the connect timeout. Derived from the cluster's merged policy.
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
  /** Istio's default connect timeout ({@code connectionPool.tcp.connectTimeout}). */
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Istio's defaults: a 10s connect timeout, the transport's own reuse. */
  static final ConnectionSettings PASSTHROUGH = new ConnectionSettings(DEFAULT_CONNECT_TIMEOUT, null, 0);

  /** To the address the application named, as it named it. */
  static Origination passthrough(String requestScheme) {
    return new Origination(requestScheme, null, null, PASSTHROUGH);
  }

  /** To an endpoint of the cluster, whose logical host is {@code logicalHost}. */
  static Origination of(Cluster cluster, String logicalHost, String requestScheme) {
    if (cluster.isPassthrough()) {
      return passthrough(requestScheme);
    }
    ClientTlsSettings tls = cluster.tls();
    return new Origination(tls == null ? "http" : "https", tls,
        tls == null ? null : tls.sni() != null ? tls.sni() : logicalHost, connection(cluster.policy().connectionPool()));
  }

  static ConnectionSettings connection(@Nullable ConnectionPoolSettings pool) {
    if (pool == null) {
      return PASSTHROUGH;
    }
    Duration connect = pool.tcp() == null || pool.tcp().connectTimeout() == null
        ? DEFAULT_CONNECT_TIMEOUT : pool.tcp().connectTimeout();
    Duration idle = pool.http() == null ? null : pool.http().idleTimeout();
    Integer perConnection = pool.http() == null ? null : pool.http().maxRequestsPerConnection();
    return new ConnectionSettings(connect, idle, perConnection == null || perConnection < 0 ? 0 : perConnection);
  }
}
