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

  /** The key of a context without an SNI (a map key cannot be null; no server name is empty). */
  private static final String NO_SNI = "";

  /**
   * The Istio contexts of one identity (by reference: a rotation is a new object), by the names
   * expected of the server, then by SNI. Looking one up allocates nothing: the names and SNI an
   * attempt brings are its cluster's own objects, with their hashes cached or cheap.
   */
  private record IstioContexts(@Nullable WorkloadIdentity identity,
      ConcurrentHashMap<List<String>, ConcurrentHashMap<String, Context>> byNames) {
    IstioContexts(@Nullable WorkloadIdentity identity) {
      this(identity, new ConcurrentHashMap<>());
    }

    @Nullable Context get(List<String> names, @Nullable String sni) {
      ConcurrentHashMap<String, Context> bySni = byNames.get(names);
      return bySni == null ? null : bySni.get(sni == null ? NO_SNI : sni);
    }
  }

  private final TlsOrigination<Context> origination;
  /** The contexts of the identity they were last built for; replaced with those of a new one. */
  private volatile IstioContexts istio = new IstioContexts(null);

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
    IstioContexts current = istio;
    if (current.identity() == identity) {
      Context c = current.get(settings.subjectAltNames(), sni);
      if (c != null) {
        return c;
      }
    }
    return buildIstio(settings.subjectAltNames(), sni, identity);
  }

  /** Builds (once) the context an attempt found missing; the first with a new identity drops the old ones. */
  private synchronized Context buildIstio(List<String> names, @Nullable String sni, WorkloadIdentity identity)
      throws SSLException {
    IstioContexts current = istio;
    if (current.identity() != identity) {
      current = new IstioContexts(identity);
      istio = current;
    }
    Context c = current.get(names, sni);
    if (c != null) {
      return c;
    }
    try {
      X509TrustManager trust = MeshTls.trustManager(identity, names);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(MeshTls.keyManagers(identity).getKeyManagers(), new TrustManager[] {trust}, null);
      c = new Context(new SniSocketFactory(ssl.getSocketFactory(), sni, true), trust, ISTIO_PEER);
    } catch (java.security.GeneralSecurityException e) {
      throw new SSLException("mesh4j: cannot set up mutual TLS with " + identity + ": " + e.getMessage(), e);
    }
    current.byNames().computeIfAbsent(List.copyOf(names), n -> new ConcurrentHashMap<>())
        .put(sni == null ? NO_SNI : sni, c);
    return c;
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
