package dev.mesh4j.okhttp;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.core.tls.SubjectAltNames;
import dev.mesh4j.core.tls.TlsOrigination;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * TLS origination towards endpoints as OkHttp takes it: for each setting and SNI a socket factory
 * that sends the SNI, the trust manager, and a verifier that checks the server against the SNI (or
 * {@code subjectAltNames}) rather than the endpoint's IP. Contexts are built and rebuilt when their
 * files change by {@link TlsOrigination}; OkHttp pools connections by socket factory, so
 * connections made with an old context are not reused for a new one and idle out. Thread-safe.
 */
final class TlsContexts {
  /** How often a context's files are checked for changes, at most. */
  static final Duration CHECK_INTERVAL = TlsOrigination.CHECK_INTERVAL;

  /** The socket factory, trust manager and verifier for one TLS setting. */
  record Context(SSLSocketFactory socketFactory, X509TrustManager trustManager, HostnameVerifier hostnameVerifier) {}

  private final TlsOrigination<Context> origination;

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
