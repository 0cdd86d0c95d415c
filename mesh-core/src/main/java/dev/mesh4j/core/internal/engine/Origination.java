package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.core.http.ConnectionSettings;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import org.jspecify.annotations.Nullable;

/**
 * How requests to a cluster's endpoints go out: plain or TLS (with the SNI to send and verify)
 * and the connection settings. Derived from the cluster's merged policy, the endpoint picked
 * (auto mTLS decides per endpoint, as Envoy's transport-socket match does) and the scheme the
 * application used. The static methods give each part without allocating, for the per-request
 * path.
 *
 * <p>A request never loses TLS the application asked for: an {@code https} request to a cluster
 * that does not originate TLS itself keeps the application's own TLS to the endpoint, named by
 * the logical host, as a sidecar passes an application's TLS through untouched. Auto mTLS applies
 * to plain {@code http} requests only, for the same reason.
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

  /** To {@code host}, an endpoint of the cluster, whose logical host is {@code logicalHost}. */
  static Origination of(Cluster cluster, @Nullable UpstreamHost host, String logicalHost, String requestScheme) {
    ClientTlsSettings tls = tls(cluster, host, requestScheme);
    return new Origination(scheme(tls, requestScheme), tls, sni(cluster, tls, logicalHost, requestScheme),
        connection(cluster));
  }

  /**
   * The TLS mesh4j originates towards {@code host}: the cluster's, else auto mTLS for an endpoint
   * labelled {@code security.istio.io/tlsMode: istio} of a plain {@code http} request, else none.
   */
  static @Nullable ClientTlsSettings tls(Cluster cluster, @Nullable UpstreamHost host, String requestScheme) {
    if (cluster.isPassthrough()) {
      return null;
    }
    if (cluster.tls() != null) {
      return cluster.tls();
    }
    ClientTlsSettings auto = cluster.autoMtls();
    return auto != null && host != null && host.istioTlsMode() && requestScheme.equals("http") ? auto : null;
  }

  /** {@code https} when mesh4j originates TLS; else the application's scheme, never downgraded. */
  static String scheme(@Nullable ClientTlsSettings tls, String requestScheme) {
    return tls != null ? "https" : requestScheme;
  }

  static @Nullable String sni(Cluster cluster, @Nullable ClientTlsSettings tls, String logicalHost,
      String requestScheme) {
    if (cluster.isPassthrough()) {
      return null;
    }
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

  /** Whether going out with {@code tls} needs the workload identity. */
  static boolean needsIdentity(@Nullable ClientTlsSettings tls) {
    return tls != null && tls.mode() == ClientTlsSettings.TlsMode.ISTIO_MUTUAL;
  }
}
