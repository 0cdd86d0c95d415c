package dev.mesh4j.okhttp;

import dev.mesh4j.api.config.ClientTlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.internal.tls.OkHostnameVerifier;
import org.jspecify.annotations.Nullable;

/**
 * TLS origination towards endpoints ({@code DestinationRule} {@code tls} SIMPLE and MUTUAL):
 * trust from {@code caCertificates} (PEM) or the JVM's store, a client certificate for MUTUAL,
 * the SNI sent, and verification of the server against the SNI (or {@code subjectAltNames}).
 * Contexts are built once per settings and cached. Thread-safe.
 */
final class TlsContexts {
  /** The socket factory, trust manager and verifier for one TLS setting. */
  record Context(SSLSocketFactory socketFactory, X509TrustManager trustManager, HostnameVerifier hostnameVerifier) {}

  private record Key(ClientTlsSettings settings, @Nullable String sni) {}

  private final ConcurrentHashMap<Key, Context> cache = new ConcurrentHashMap<>();

  Context context(ClientTlsSettings settings, @Nullable String sni) throws SSLException {
    Key key = new Key(settings, sni);
    Context c = cache.get(key);
    if (c == null) {
      c = build(settings, sni);
      cache.putIfAbsent(key, c);
    }
    return c;
  }

  private static Context build(ClientTlsSettings s, @Nullable String sni) throws SSLException {
    try {
      boolean insecure = Boolean.TRUE.equals(s.insecureSkipVerify());
      X509TrustManager trust = insecure ? new TrustAll() : trustManager(s.caCertificates());
      KeyManagerFactory kmf = null;
      if (s.mode() == ClientTlsSettings.TlsMode.MUTUAL && s.clientCertificate() != null && s.privateKey() != null) {
        kmf = keyManagers(s.clientCertificate(), s.privateKey());
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), new TrustManager[] {trust}, null);
      SSLSocketFactory factory = new SniSocketFactory(ctx.getSocketFactory(), sni);
      HostnameVerifier verifier = insecure ? (h, session) -> true : verifier(sni, s.subjectAltNames());
      return new Context(factory, trust, verifier);
    } catch (IOException | GeneralSecurityException e) {
      throw new SSLException("cannot set up TLS origination: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager trustManager(@Nullable String caFile)
      throws IOException, GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caFile == null) {
      tmf.init((KeyStore) null);
    } else {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate cert : certificates(caFile)) {
        ks.setCertificateEntry("ca-" + i++, cert);
      }
      tmf.init(ks);
    }
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X509 trust manager");
  }

  private static KeyManagerFactory keyManagers(String certFile, String keyFile)
      throws IOException, GeneralSecurityException {
    Collection<? extends Certificate> chain = certificates(certFile);
    PrivateKey key = privateKey(keyFile);
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setKeyEntry("client", key, new char[0], chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    return kmf;
  }

  private static Collection<? extends Certificate> certificates(String file)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new GeneralSecurityException("no certificate in " + file);
      }
      return certs;
    }
  }

  /** A PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}), RSA or EC. */
  private static PrivateKey privateKey(String file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(Path.of(file));
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < 0) {
      throw new GeneralSecurityException(file + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException("unsupported private key in " + file);
  }

  /** Verifies the server against the expected names rather than the endpoint's IP. */
  private static HostnameVerifier verifier(@Nullable String sni, List<String> subjectAltNames) {
    List<String> names = new ArrayList<>(subjectAltNames);
    if (names.isEmpty() && sni != null) {
      names.add(sni);
    }
    return (host, session) -> {
      if (names.isEmpty()) {
        return OkHostnameVerifier.INSTANCE.verify(host, session);
      }
      try {
        X509Certificate cert = (X509Certificate) session.getPeerCertificates()[0];
        for (String n : names) {
          if (OkHostnameVerifier.INSTANCE.verify(n, cert)) {
            return true;
          }
        }
        return false;
      } catch (SSLPeerUnverifiedException e) {
        return false;
      }
    };
  }

  /** Sets the SNI on every socket, since the URL names the endpoint's IP. */
  private static final class SniSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final @Nullable String sni;

    SniSocketFactory(SSLSocketFactory delegate, @Nullable String sni) {
      this.delegate = delegate;
      this.sni = sni;
    }

    private Socket configure(Socket socket) {
      if (sni != null && socket instanceof SSLSocket ssl && !isIp(sni)) {
        SSLParameters p = ssl.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(sni)));
        ssl.setSSLParameters(p);
      }
      return socket;
    }

    private static boolean isIp(String s) {
      return s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      return configure(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return configure(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
        throws IOException {
      return configure(delegate.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SniSocketFactory other && other.delegate == delegate && Objects.equals(other.sni, sni);
    }

    @Override
    public int hashCode() {
      return Objects.hash(System.identityHashCode(delegate), sni);
    }
  }

  /** {@code insecureSkipVerify: true}: accept any server certificate. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
