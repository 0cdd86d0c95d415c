package dev.mesh4j.jdkhttp;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.tls.TlsOrigination;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * The real JDK clients attempts go out on, one per kind of connection: the JDK sets connect
 * timeouts, TLS contexts and TLS parameters (the SNI among them) per client, not per request.
 * Each has the application's settings (proxy, version, executor) and, below the mesh, follows no
 * redirect, answers no challenge and keeps no cookies — the mesh does those hop by hop.
 *
 * <ul>
 *   <li>Plain text to an endpoint, and requests passed through: the application's own TLS
 *       settings, as it asked.
 *   <li>The application's own TLS to an endpoint ({@code https} without a DestinationRule
 *       {@code tls}): its SSL context and parameters, with the logical host as the server name.
 *       The URI names the endpoint's address, so the JDK sends the server name of the client's
 *       parameters, and its trust checks the certificate against that name (an SNI host name is
 *       checked before the address).
 *   <li>TLS mesh4j originates (SIMPLE, MUTUAL): the setting's context ({@link TlsOrigination},
 *       rebuilt when its files change), the SNI as the server name, and a trust manager that
 *       checks the server against the names the mesh expects ({@link VerifyingTrustManager}).
 * </ul>
 *
 * Made when first needed and kept: a handful per application client, one per connect timeout,
 * TLS setting and server name in use; a client whose TLS files changed is replaced by one with
 * the new context (the old one's pooled connections close as it is collected). Each has its own
 * connection pool. Thread-safe.
 */
final class InnerClients {
  private final MeshedHttpClient.Settings settings;
  private final TlsOrigination<SSLContext> origination;
  private final ConcurrentHashMap<Key, Inner> clients = new ConcurrentHashMap<>();

  InnerClients(MeshedHttpClient.Settings settings, Ticker ticker) {
    this.settings = settings;
    this.origination = new TlsOrigination<>(ticker, TlsOrigination.CHECK_INTERVAL, (built, tls, sni) -> {
      if (Boolean.TRUE.equals(tls.insecureSkipVerify())) {
        return built.context();
      }
      return built.withTrustManager(new VerifyingTrustManager(built.trustManager(),
          TlsOrigination.expectedNames(tls, sni)));
    });
  }

  /**
   * A client and the connect timeout it enforces ({@link Long#MAX_VALUE} for none).
   *
   * @param context the SSL context it was made with
   */
  record Inner(HttpClient client, long connectTimeoutNanos, SSLContext context) {}

  /** What tells clients apart. */
  private record Key(@Nullable ClientTlsSettings tls, @Nullable String serverName, @Nullable Duration connectTimeout) {}

  /** The client for an attempt. */
  Inner forAttempt(UpstreamRequest upstream) throws IOException {
    Duration connect = upstream.connectTimeout() != null ? upstream.connectTimeout()
        : settings.connectTimeout().orElse(null);
    boolean toEndpointOverTls = upstream.endpoint() != null && upstream.scheme().equals("https");
    ClientTlsSettings tls = upstream.endpoint() != null ? upstream.tls() : null;
    SSLContext context = tls != null ? origination.context(tls, upstream.sni()) : settings.sslContext();
    Key key = new Key(tls, toEndpointOverTls ? upstream.sni() : null, connect);
    Inner inner = clients.get(key);
    if (inner == null || inner.context() != context) {
      inner = clients.compute(key, (k, old) -> old != null && old.context() == context ? old : build(k, context));
    }
    return inner;
  }

  private Inner build(Key key, SSLContext context) {
    SSLParameters parameters = MeshedHttpClient.copy(settings.sslParameters());
    SNIHostName name = serverName(key.serverName());
    if (name != null) {
      List<SNIServerName> names = List.of(name);
      parameters.setServerNames(names);
    }
    HttpClient.Builder b = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(settings.version())
        .sslContext(context)
        .sslParameters(parameters);
    settings.proxy().ifPresent(b::proxy);
    settings.executor().ifPresent(b::executor);
    if (key.connectTimeout() != null) {
      b.connectTimeout(key.connectTimeout());
    }
    return new Inner(b.build(), key.connectTimeout() == null ? Long.MAX_VALUE : key.connectTimeout().toNanos(),
        context);
  }

  /**
   * The server name to send: none for an IP address (TLS has no SNI for addresses) or a name the
   * JDK cannot send as SNI (an underscore, an empty label, …), which is still what the certificate
   * is checked against; never an exception on the request path.
   */
  static @Nullable SNIHostName serverName(@Nullable String name) {
    if (name == null || isIpLiteral(name)) {
      return null;
    }
    try {
      return new SNIHostName(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether a server name is an IP address. */
  static boolean isIpLiteral(String name) {
    return name.indexOf(':') >= 0 || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  /** Every client made so far, for shutting them down. */
  Iterable<HttpClient> all() {
    return clients.values().stream().map(Inner::client).toList();
  }
}
