package dev.mesh4j.jdkhttp;

import dev.mesh4j.core.tls.SubjectAltNames;
import dev.mesh4j.core.tls.TlsOrigination;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The trust of TLS mesh4j originates, for the JDK's client: the chain is checked by the
 * setting's trust manager, and the server's certificate against the names the mesh expects (the
 * DestinationRule's {@code subjectAltNames}, else the SNI) — not against the endpoint's IP address
 * the JDK connected to, which it would check otherwise. Being an {@link X509ExtendedTrustManager},
 * it is the whole check: the JDK does not add its own host name check on top. Immutable.
 */
final class VerifyingTrustManager extends X509ExtendedTrustManager {
  private final X509TrustManager chain;
  private final List<String> names;

  /**
   * @param chain checks the certificate chain
   * @param names the names the server's certificate must carry one of; empty: the host connected to
   */
  VerifyingTrustManager(X509TrustManager chain, List<String> names) {
    this.chain = chain;
    this.names = names;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
      throws CertificateException {
    check(certificates, authType, engine == null ? null : engine.getPeerHost());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket)
      throws CertificateException {
    check(certificates, authType, socket == null || socket.getInetAddress() == null ? null
        : socket.getInetAddress().getHostAddress());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
    check(certificates, authType, null);
  }

  private void check(X509Certificate[] certificates, String authType, String host) throws CertificateException {
    chain.checkServerTrusted(certificates, authType);
    X509Certificate leaf = certificates[0];
    boolean named = names.isEmpty() ? host != null && SubjectAltNames.matches(host, leaf)
        : TlsOrigination.matchesAny(names, leaf);
    if (!named) {
      throw new CertificateException("mesh4j: the server's certificate names none of "
          + (names.isEmpty() ? List.of(String.valueOf(host)) : names));
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("mesh4j originates TLS as a client only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("mesh4j originates TLS as a client only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
    throw new CertificateException("mesh4j originates TLS as a client only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return chain.getAcceptedIssuers();
  }
}
