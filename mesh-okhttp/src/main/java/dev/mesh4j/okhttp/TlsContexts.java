package dev.mesh4j.okhttp;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.tls.MeshTls;
import dev.mesh4j.core.tls.SubjectAltNames;
import dev.mesh4j.core.tls.TlsOrigination;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * TLS origination towards endpoints as OkHttp takes it: for each setting and SNI a socket factory
 * that sends the SNI, the trust manager, and a verifier that checks the server against the SNI (or
 * {@code subjectAltNames}) rather than the endpoint's IP. Contexts are built and rebuilt when their
 * files change by {@link TlsOrigination}; OkHttp pools connections by socket factory, so
 * connections made with an old context are not reused for a new one and idle out. And Istio's
 * mutual TLS ({@code ISTIO_MUTUAL}, auto mTLS) with the workload identity ({@link #istio}).
 * Thread-safe.
 */
final class TlsContexts {
  /** How often a context's files are checked for changes, at most. */
  static final Duration CHECK_INTERVAL = TlsOrigination.CHECK_INTERVAL;

  /** The socket factory, trust manager and verifier for one TLS setting. */
  record Context(SSLSocketFactory socketFactory, X509TrustManager trustManager, HostnameVerifier hostnameVerifier) {}

  /** An identity (by reference: a rotation is a new object), the names expected of the server, the SNI. */
  private record IstioKey(WorkloadIdentity identity, List<String> subjectAltNames, @Nullable String sni) {
    @Override
    public boolean equals(Object o) {
      return o instanceof IstioKey k && k.identity == identity && k.subjectAltNames.equals(subjectAltNames)
          && Objects.equals(k.sni, sni);
    }

    @Override
    public int hashCode() {
      return (System.identityHashCode(identity) * 31 + subjectAltNames.hashCode()) * 31 + Objects.hashCode(sni);
    }
  }

  private final TlsOrigination<Context> origination;
  private final ConcurrentHashMap<IstioKey, Context> istio = new ConcurrentHashMap<>();
  /** The identity the contexts in {@code istio} were last built for; older ones are dropped. */
  private volatile @Nullable WorkloadIdentity newest;

  TlsContexts(Ticker ticker) {
    this(ticker, CHECK_INTERVAL);
  }

  TlsContexts(Ticker ticker, Duration checkInterval) {
    this.origination = new TlsOrigination<>(ticker, checkInterval, (built, settings, sni) -> {
      boolean insecure = Boolean.TRUE.equals(settings.insecureSkipVerify());
      SSLSocketFactory factory = new SniSocketFactory(built.context().getSocketFactory(), sni);
      HostnameVerifier verifier = insecure ? (h, session) -> true
          : verifier(TlsOrigination.expectedNames(settings, sni));
      return new Context(factory, built.trustManager(), verifier);
    });
  }

  /**
   * The current context for a setting and SNI.
   *
   * @throws SSLException when no context could be built yet (a file missing or unusable); the
   *     message names the file
   */
  Context context(ClientTlsSettings settings, @Nullable String sni) throws SSLException {
    return origination.context(settings, sni);
  }

  /**
   * The context for Istio's mutual TLS with {@code identity}: it presents the identity, trusts only
   * its roots, requires one of {@code settings.subjectAltNames()} as the server's URI SAN (none:
   * any identity of the mesh) and offers Istio's ALPN values. One per identity, names and SNI, so
   * connections are pooled per identity: after a rotation new connections present the new
   * certificate, and the old identity's contexts are dropped (its pooled connections idle out).
   *
   * @throws SSLException when the JDK cannot build a context from the identity
   */
  Context istio(ClientTlsSettings settings, @Nullable String sni, @Nullable WorkloadIdentity identity)
      throws SSLException {
    if (identity == null) {
      // The engine never sends ISTIO_MUTUAL without an identity; never fall back to plain text.
      throw new SSLException("mesh4j: ISTIO_MUTUAL without a workload identity");
    }
    IstioKey key = new IstioKey(identity, settings.subjectAltNames(), sni);
    Context c = istio.get(key);
    if (c != null) {
      return c;
    }
    if (newest != identity) {
      newest = identity;
      istio.keySet().removeIf(k -> k.identity != identity);
    }
    try {
      return istio.computeIfAbsent(key, k -> {
        try {
          X509TrustManager trust = MeshTls.trustManager(k.identity, k.subjectAltNames);
          SSLContext ssl = SSLContext.getInstance("TLS");
          ssl.init(MeshTls.keyManagers(k.identity).getKeyManagers(), new TrustManager[] {trust}, null);
          return new Context(new SniSocketFactory(ssl.getSocketFactory(), k.sni, true), trust, ISTIO_PEER);
        } catch (java.security.GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
      });
    } catch (IllegalStateException e) {
      throw new SSLException("mesh4j: cannot set up mutual TLS with " + identity + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /**
   * The server was verified in the handshake (its chain against the mesh roots, its URI SAN
   * against the expected identities): a workload certificate names no host to check here.
   */
  private static final HostnameVerifier ISTIO_PEER = (host, session) -> true;

  /** Verifies the server against the expected names rather than the endpoint's IP. */
  private static HostnameVerifier verifier(List<String> names) {
    return (host, session) -> {
      try {
        X509Certificate cert = (X509Certificate) session.getPeerCertificates()[0];
        return names.isEmpty() ? SubjectAltNames.matches(host, cert) : TlsOrigination.matchesAny(names, cert);
      } catch (SSLPeerUnverifiedException | ClassCastException e) {
        return false;
      }
    };
  }
}
