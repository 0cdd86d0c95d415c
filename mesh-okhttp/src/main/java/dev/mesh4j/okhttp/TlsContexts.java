package dev.mesh4j.okhttp;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.tls.MeshTls;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS origination towards endpoints ({@code DestinationRule} {@code tls} SIMPLE and MUTUAL):
 * trust from {@code caCertificates} (PEM) or the JVM's store, a client certificate for MUTUAL,
 * the SNI sent, and verification of the server against the SNI (or {@code subjectAltNames}).
 * And Istio's mutual TLS ({@code ISTIO_MUTUAL}, auto mTLS) with the workload identity
 * ({@link #istio}).
 *
 * <p>One context per setting and SNI, built when a request first needs it from the files the
 * setting names ({@link TlsMaterial}), and rebuilt when they change: a request finding the last
 * check older than {@link #CHECK_INTERVAL} (on the mesh's ticker) re-reads them — one request at
 * a time, the others go on with the current context — and when their content changed, builds a
 * new context for new connections. Connections already made, and requests on them, are
 * untouched; connections pooled with the old context are not reused for the new one (OkHttp pools
 * by socket factory), so they idle out, while unchanged material keeps its context and its pooled
 * connections. A change that cannot be used (a half-written file, a key that does not match its
 * certificate) keeps the last good context and is logged once as a warning; the next change is
 * tried again. Without any good context yet, requests fail (never in plain text). Thread-safe.
 */
final class TlsContexts {
  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

  /** How often a context's files are checked for changes, at most. */
  static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);

  /** The socket factory, trust manager and verifier for one TLS setting. */
  record Context(SSLSocketFactory socketFactory, X509TrustManager trustManager, HostnameVerifier hostnameVerifier) {}

  private record Key(ClientTlsSettings settings, @Nullable String sni) {}

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

  private final Ticker ticker;
  private final long intervalNanos;
  private final ConcurrentHashMap<Key, Reloading> contexts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<IstioKey, Context> istio = new ConcurrentHashMap<>();
  /** The identity the contexts in {@code istio} were last built for; older ones are dropped. */
  private volatile @Nullable WorkloadIdentity newest;

  TlsContexts(Ticker ticker) {
    this(ticker, CHECK_INTERVAL);
  }

  TlsContexts(Ticker ticker, Duration checkInterval) {
    this.ticker = ticker;
    this.intervalNanos = checkInterval.toNanos();
  }

  /**
   * The current context for a setting and SNI.
   *
   * @throws SSLException when no context could be built yet (a file missing or unusable); the
   *     message names the file
   */
  Context context(ClientTlsSettings settings, @Nullable String sni) throws SSLException {
    Key key = new Key(settings, sni);
    Reloading r = contexts.get(key);
    if (r == null) {
      r = contexts.computeIfAbsent(key, k -> new Reloading(k.settings(), k.sni()));
    }
    return r.current(ticker.nanos());
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

  /** One setting's context, rebuilt from its files when they change. */
  private final class Reloading {
    private final ClientTlsSettings settings;
    private final @Nullable String sni;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile @Nullable Context current;
    /** Why there is no context yet, or null. */
    private volatile @Nullable String failure;
    private volatile boolean checked;
    private volatile long nextCheck;
    // Guarded by lock: fingerprints of the material in use and of the last material refused.
    private @Nullable String loaded;
    private @Nullable String refused;

    Reloading(ClientTlsSettings settings, @Nullable String sni) {
      this.settings = settings;
      this.sni = sni;
    }

    Context current(long now) throws SSLException {
      if (!checked) {
        // The first request waits for the first load.
        lock.lock();
        try {
          if (!checked) {
            check(now);
            checked = true;
          }
        } finally {
          lock.unlock();
        }
      } else if (now - nextCheck >= 0 && lock.tryLock()) {
        try {
          if (now - nextCheck >= 0) {
            check(now);
          }
        } finally {
          lock.unlock();
        }
      }
      Context c = current;
      if (c == null) {
        throw new SSLException("cannot set up TLS origination: " + failure);
      }
      return c;
    }

    private void check(long now) {
      nextCheck = now + intervalNanos;
      TlsMaterial material;
      try {
        material = TlsMaterial.read(settings);
      } catch (IOException e) {
        refuse(null, e.getMessage());
        return;
      }
      if (material.fingerprint().equals(loaded)) {
        return;
      }
      Context built;
      try {
        built = build(material);
      } catch (java.security.GeneralSecurityException | RuntimeException e) {
        refuse(material, e.getMessage());
        return;
      }
      if (loaded != null || refused != null) {
        log.info("mesh4j: TLS material for {} (re)loaded from {}", describe(), material.files());
      }
      loaded = material.fingerprint();
      refused = null;
      failure = null;
      current = built;
    }

    /** Keeps the last good context; logs a failure once per unusable content. */
    private void refuse(@Nullable TlsMaterial material, @Nullable String why) {
      String fingerprint = material == null ? "unreadable: " + why : material.fingerprint();
      boolean again = fingerprint.equals(refused);
      refused = fingerprint;
      if (current == null) {
        failure = why;
        if (!again) {
          log.warn("mesh4j: no TLS origination for {}: {}; requests to it fail until the files can be read",
              describe(), why);
        }
      } else if (!again) {
        log.warn("mesh4j: keeping the TLS material loaded before for {}: its files changed but cannot be used: {}",
            describe(), why);
      }
    }

    private Context build(TlsMaterial material) throws java.security.GeneralSecurityException {
      boolean insecure = Boolean.TRUE.equals(settings.insecureSkipVerify());
      TlsMaterial.Built built = material.build(insecure);
      SSLSocketFactory factory = new SniSocketFactory(built.context().getSocketFactory(), sni);
      HostnameVerifier verifier = insecure ? (h, session) -> true : verifier(sni, settings.subjectAltNames());
      return new Context(factory, built.trustManager(), verifier);
    }

    private String describe() {
      return "mode " + settings.mode() + (sni == null ? "" : ", SNI " + sni);
    }
  }

  /** Verifies the server against the expected names rather than the endpoint's IP. */
  private static HostnameVerifier verifier(@Nullable String sni, List<String> subjectAltNames) {
    List<String> names = new ArrayList<>(subjectAltNames);
    if (names.isEmpty() && sni != null) {
      names.add(sni);
    }
    return (host, session) -> {
      try {
        java.security.cert.X509Certificate cert =
            (java.security.cert.X509Certificate) session.getPeerCertificates()[0];
        if (names.isEmpty()) {
          return SubjectAltNames.matches(host, cert);
        }
        for (String n : names) {
          if (SubjectAltNames.matches(n, cert)) {
            return true;
          }
        }
        return false;
      } catch (SSLPeerUnverifiedException | ClassCastException e) {
        return false;
      }
    };
  }
}
