package dev.mesh4j.core.tls;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.WorkloadIdentity;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Mutual TLS with a {@link WorkloadIdentity}, as Istio's sidecars do it, for any transport and for
 * the server side: an {@link SSLContext} presenting the identity and trusting only its roots, the
 * check of a peer's SPIFFE identity, and Istio's ALPN values. The OkHttp transport, a JDK
 * {@code HttpClient} transport and the Spring Boot starter's server SSL bundle build on it, so
 * the three verify peers alike.
 *
 * <p>Peers are verified as Envoy verifies them under {@code ISTIO_MUTUAL}: the chain against the
 * identity's roots (PKIX, without host name checks: a workload certificate names a service
 * account, not a host), then — when names are expected — one of the certificate's URI subject
 * alternative names must equal one of them exactly ({@code match_typed_subject_alt_names} with
 * {@code san_type: URI}). Stateless; the contexts and trust managers it returns are thread-safe.
 */
public final class MeshTls {
  /**
   * The ALPN values Istio's sidecars offer for in-mesh HTTP ({@code istio-h2},
   * {@code istio-http/1.1}, {@code istio}): a sidecar in {@code PERMISSIVE} mode sees them and
   * takes the connection as mutual TLS. mesh4j offers them first, then the HTTP protocols its
   * client speaks; a server never selects one it does not know.
   */
  public static final List<String> ISTIO_ALPN = List.of("istio-h2", "istio-http/1.1", "istio");

  private static final int URI_NAME = 6;

  private MeshTls() {}

  /**
   * A client context presenting {@code identity} and verifying servers against its roots and
   * {@code subjectAltNames} (any one of them, as a URI SAN; none: the chain only).
   *
   * @throws GeneralSecurityException when the JDK cannot build it from this material
   */
  public static SSLContext clientContext(WorkloadIdentity identity, Collection<String> subjectAltNames)
      throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers(identity).getKeyManagers(),
        new TrustManager[] {trustManager(identity, subjectAltNames)}, null);
    return context;
  }

  /**
   * A key manager factory holding {@code identity}'s certificate chain and key, for a server or a
   * client that presents it.
   */
  public static KeyManagerFactory keyManagers(WorkloadIdentity identity) throws GeneralSecurityException {
    requireNonNull(identity, "identity");
    KeyStore keys = emptyKeyStore();
    keys.setKeyEntry("workload", identity.privateKey(), new char[0],
        identity.certificateChain().toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    return kmf;
  }

  /**
   * A trust manager for both directions: it accepts a peer whose chain leads to one of
   * {@code identity}'s roots and — when {@code subjectAltNames} is not empty — whose certificate
   * has one of them as a URI SAN. Anything else fails the handshake with a
   * {@link CertificateException} saying which names were expected and which were found.
   */
  public static X509TrustManager trustManager(WorkloadIdentity identity, Collection<String> subjectAltNames)
      throws GeneralSecurityException {
    requireNonNull(identity, "identity");
    requireNonNull(subjectAltNames, "subjectAltNames");
    KeyStore roots = emptyKeyStore();
    int i = 0;
    for (X509Certificate root : identity.trustRoots()) {
      roots.setCertificateEntry("root-" + i++, root);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(roots);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return new SpiffeTrustManager(x, Set.copyOf(subjectAltNames));
      }
    }
    throw new GeneralSecurityException("the JDK offers no X509 trust manager");
  }

  /** The peer's SPIFFE ID (its certificate's first {@code spiffe://} URI SAN), or null. */
  public static @Nullable String peerSpiffeId(SSLSession session) {
    try {
      java.security.cert.Certificate[] peer = session.getPeerCertificates();
      return peer.length > 0 && peer[0] instanceof X509Certificate x ? WorkloadIdentity.spiffeId(x) : null;
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return null;
    }
  }

  /** The SPIFFE ID this side presented on {@code session}, or null. */
  public static @Nullable String localSpiffeId(SSLSession session) {
    java.security.cert.Certificate[] local = session.getLocalCertificates();
    return local != null && local.length > 0 && local[0] instanceof X509Certificate x
        ? WorkloadIdentity.spiffeId(x) : null;
  }

  /**
   * The ALPN values to offer for a client that speaks {@code protocols} ({@code h2},
   * {@code http/1.1}): {@link #ISTIO_ALPN}'s values for those protocols, {@code istio}, then
   * {@code protocols} themselves.
   */
  public static List<String> istioAlpn(List<String> protocols) {
    List<String> out = new ArrayList<>(protocols.size() * 2 + 1);
    for (String p : protocols) {
      if (p.equals("h2") || p.equals("http/1.1") || p.equals("http/1.0")) {
        out.add("istio-" + p);
      }
    }
    out.add("istio");
    for (String p : protocols) {
      if (!out.contains(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * The HTTP protocol a negotiated ALPN value means: {@code istio-h2} is {@code h2},
   * {@code istio-http/1.1} is {@code http/1.1}; {@code istio} and other Istio values name no HTTP
   * version (null: HTTP/1.1, as without ALPN); anything else is returned as it is.
   */
  public static @Nullable String httpProtocol(@Nullable String negotiated) {
    if (negotiated == null || !negotiated.startsWith("istio")) {
      return negotiated;
    }
    return negotiated.startsWith("istio-h2") ? "h2"
        : negotiated.startsWith("istio-http/") ? negotiated.substring("istio-".length()) : null;
  }

  private static KeyStore emptyKeyStore() throws GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return ks;
  }

  /**
   * PKIX against the mesh roots, then the expected URI SANs. The socket's and engine's variants
   * check the same, without the host name check a transport's {@code SSLParameters} may ask for
   * (a workload certificate names a service account, not a host).
   */
  private static final class SpiffeTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final Set<String> expected;

    SpiffeTrustManager(X509ExtendedTrustManager pkix, Set<String> expected) {
      this.pkix = pkix;
      this.expected = expected;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      pkix.checkServerTrusted(chain, authType);
      checkNames(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      pkix.checkServerTrusted(chain, authType);
      checkNames(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      pkix.checkServerTrusted(chain, authType);
      checkNames(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      pkix.checkClientTrusted(chain, authType);
      checkNames(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      pkix.checkClientTrusted(chain, authType);
      checkNames(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      pkix.checkClientTrusted(chain, authType);
      checkNames(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return pkix.getAcceptedIssuers();
    }

    private void checkNames(X509Certificate[] chain) throws CertificateException {
      if (expected.isEmpty()) {
        return;
      }
      List<String> found = uris(chain[0]);
      for (String uri : found) {
        if (expected.contains(uri)) {
          return;
        }
      }
      throw new CertificateException("the peer's certificate names " + (found.isEmpty() ? "no URI" : found)
          + ", none of the expected identities " + expected.stream().sorted().toList());
    }

    private static List<String> uris(X509Certificate certificate) throws CertificateException {
      Collection<List<?>> names;
      try {
        names = certificate.getSubjectAlternativeNames();
      } catch (CertificateParsingException e) {
        throw new CertificateException("the peer's subject alternative names cannot be read", e);
      }
      List<String> out = new ArrayList<>(2);
      if (names != null) {
        for (List<?> n : names) {
          if (n.size() >= 2 && n.get(0) instanceof Integer type && type == URI_NAME && n.get(1) instanceof String s) {
            out.add(s);
          }
        }
      }
      return out;
    }
  }
}
