package dev.mesh4j.samples.bookinfo;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * The demo's mesh CA, as istiod's would be: a root, and 24-hour workload certificates that name
 * a SPIFFE identity (and nothing else), written to files the way Istio's agent writes them
 * ({@code cert-chain.pem}, {@code key.pem} as a SEC1 EC key, {@code root-cert.pem}).
 */
final class DemoCa {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  final X509Certificate root;
  private final PrivateKey rootKey;

  /** A workload certificate and its key. */
  record Issued(X509Certificate certificate, KeyPair keys) {}

  DemoCa() {
    try {
      KeyPair keys = keys();
      X500Name name = new X500Name("O=cluster.local");
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
          Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(365))), name, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      this.root = sign(b, keys.getPrivate());
      this.rootKey = keys.getPrivate();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A 24-hour workload certificate for {@code spiffeId}. */
  Issued issue(String spiffeId) {
    try {
      KeyPair keys = keys();
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(Duration.ofHours(24))), new X500Name(""), keys.getPublic())
          .addExtension(Extension.subjectAlternativeName, true,
              new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      return new Issued(sign(b, rootKey), keys);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the three files into {@code dir}, as the agent does. */
  void write(Path dir, Issued issued) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("key.pem"), pem(sec1(issued.keys())));
      Files.writeString(dir.resolve("cert-chain.pem"), pem(issued.certificate()));
      Files.writeString(dir.resolve("root-cert.pem"), pem(root));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The key as Go's {@code x509.MarshalECPrivateKey} (and so Istio's agent) writes it: SEC1
   * ({@code EC PRIVATE KEY}) with the named curve and the public key.
   */
  private static PemObject sec1(KeyPair keys) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
    ECPrivateKey bare = ECPrivateKey.getInstance(info.parsePrivateKey());
    byte[] point = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes();
    ECPrivateKey full = new ECPrivateKey(256, bare.getKey(), new DERBitString(point),
        info.getPrivateKeyAlgorithm().getParameters());
    return new PemObject("EC PRIVATE KEY", full.getEncoded());
  }

  private static KeyPair keys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException, IOException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }
}
