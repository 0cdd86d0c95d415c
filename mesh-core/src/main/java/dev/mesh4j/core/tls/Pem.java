package dev.mesh4j.core.tls;

import dev.mesh4j.core.internal.identity.PemKeys;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads PEM certificates and private keys as Istio's agent and the usual tools write them:
 * certificates ({@code BEGIN CERTIFICATE}, one or several), and private keys in PKCS#8
 * ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) and SEC1
 * ({@code BEGIN EC PRIVATE KEY}, what Istio's agent writes by default). PKCS#8 is read by the JDK;
 * PKCS#1 and SEC1 by Bouncy Castle ({@code org.bouncycastle:bcpkix-jdk18on}), which must then be on
 * the class path — the message says so when it is not. Encrypted keys are refused. Stateless.
 */
public final class Pem {
  private Pem() {}

  /**
   * The certificates in {@code pem}, in order.
   *
   * @param source what the bytes are, for messages (a file name)
   * @throws GeneralSecurityException when there is none or one cannot be read; the message names
   *     {@code source}
   */
  public static List<X509Certificate> certificates(String source, byte[] pem) throws GeneralSecurityException {
    Collection<? extends Certificate> read;
    try {
      read = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(source + " holds no readable certificate: " + e.getMessage(), e);
    }
    if (read.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + source);
    }
    List<X509Certificate> out = new ArrayList<>(read.size());
    for (Certificate c : read) {
      if (!(c instanceof X509Certificate x)) {
        throw new GeneralSecurityException(source + " holds a certificate that is not X.509");
      }
      out.add(x);
    }
    return out;
  }

  /**
   * The private key in {@code pem}.
   *
   * @param source what the bytes are, for messages (a file name)
   * @throws GeneralSecurityException when it holds no private key, an encrypted or unsupported
   *     one, or a PKCS#1/SEC1 key without Bouncy Castle on the class path; the message names
   *     {@code source}
   */
  public static PrivateKey privateKey(String source, byte[] pem) throws GeneralSecurityException {
    return PemKeys.privateKey(source, pem);
  }
}
