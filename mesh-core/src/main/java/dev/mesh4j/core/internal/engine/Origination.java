package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.ClientTlsSettings;
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
 * @param connectTimeout the cluster's {@code connectionPool.tcp.connectTimeout}, else Istio's 10s
 */
record Origination(String scheme, @Nullable ClientTlsSettings tls, @Nullable String sni, Duration connectTimeout) {
  /** Istio's default connect timeout ({@code connectionPool.tcp.connectTimeout}). */
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** To the address the application named, as it named it. */
  static Origination passthrough(String requestScheme) {
    return new Origination(requestScheme, null, null, DEFAULT_CONNECT_TIMEOUT);
  }

  /** To an endpoint of the cluster, whose logical host is {@code logicalHost}. */
  static Origination of(Cluster cluster, String logicalHost, String requestScheme) {
    if (cluster.isPassthrough()) {
      return passthrough(requestScheme);
    }
    ClientTlsSettings tls = cluster.tls();
    var pool = cluster.policy().connectionPool();
    Duration connect = pool == null || pool.tcp() == null || pool.tcp().connectTimeout() == null
        ? DEFAULT_CONNECT_TIMEOUT : pool.tcp().connectTimeout();
    return new Origination(tls == null ? "http" : "https", tls,
        tls == null ? null : tls.sni() != null ? tls.sni() : logicalHost, connect);
  }
}
