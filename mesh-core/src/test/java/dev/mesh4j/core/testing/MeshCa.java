package dev.mesh4j.core.testing;

import dev.mesh4j.api.runtime.WorkloadIdentity;
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
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
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
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A mesh certificate authority made in the test, as istiod's: a root, and workload certificates
 * whose only subject alternative name is a SPIFFE URI ({@code spiffe://cluster.local/ns/…/sa/…}),
 * issued with the key forms Istio's agent writes (PKCS#1 RSA and SEC1 EC by default, PKCS#8 with
 * {@code PKCS8_KEY}), and written to files as the agent writes them ({@code cert-chain.pem},
 * {@code key.pem}, {@code root-cert.pem}). Signed by Bouncy Castle; in no trust store. Test
 * fixture; thread-safe.
 */
public final class MeshCa {
  /** How a private key is written. */
  public enum KeyForm {
    /** {@code BEGIN RSA PRIVATE KEY}: the agent's default for RSA. */
    PKCS1_RSA,
    /** {@code BEGIN EC PRIVATE KEY}: the agent's form for ECDSA. */
    SEC1_EC,
    /** {@code BEGIN PRIVATE KEY}, RSA. */
    PKCS8_RSA,
    /** {@code BEGIN PRIVATE KEY}, EC. */
    PKCS8_EC
  }

  /** A workload certificate and its key. */
  public record Issued(X509Certificate certificate, PrivateKey key, KeyForm form, MeshCa ca) {
    /** The certificate as PEM ({@code cert-chain.pem}: the leaf; the root is in root-cert.pem). */
    public String chainPem() {
      return pem(certificate);
    }

    /** The key as PEM, in its form. */
    public String keyPem() {
      return MeshCa.keyPem(key, certificate.getPublicKey(), form);
    }

    /** This certificate as a workload identity trusting its CA. */
    public WorkloadIdentity identity() {
      return WorkloadIdentity.of(List.of(certificate), key, List.of(ca.root()));
    }
  }

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  private final String name;
  private final KeyPair rootKeys;
  private final X509Certificate root;

  private MeshCa(String name) {
    this.name = name;
    try {
      this.rootKeys = keys(KeyForm.SEC1_EC);
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Principal("O=" + name),
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(3650))), new X500Principal("O=" + name), rootKeys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      this.root = sign(b, rootKeys.getPrivate());
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new CA with its own root. */
  public static MeshCa create(String name) {
    return new MeshCa(name);
  }

  public X509Certificate root() {
    return root;
  }

  public String rootPem() {
    return pem(root);
  }

  /** A 24-hour certificate for {@code spiffeId} (plus any DNS names), key as the agent's default (SEC1 EC). */
  public Issued issue(String spiffeId, String... dnsNames) {
    return issue(spiffeId, KeyForm.SEC1_EC, Instant.now().minus(Duration.ofMinutes(1)), Duration.ofHours(24), dnsNames);
  }

  /** A certificate for {@code spiffeId} valid from {@code notBefore} for {@code validity}. */
  public Issued issue(String spiffeId, KeyForm form, Instant notBefore, Duration validity, String... dnsNames) {
    try {
      KeyPair keys = keys(form);
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root,
          BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notBefore.plus(validity)),
          new X500Principal(""), keys.getPublic());
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId));
      for (String dns : dnsNames) {
        names.add(new GeneralName(GeneralName.dNSName, dns));
      }
      b.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(names.toArray(new GeneralName[0])));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      return new Issued(sign(b, rootKeys.getPrivate()), keys.getPrivate(), form, this);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code cert-chain.pem}, {@code key.pem} and {@code root-cert.pem} into {@code dir}. */
  public void write(Path dir, Issued issued) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("cert-chain.pem"), issued.chainPem());
      Files.writeString(dir.resolve("key.pem"), issued.keyPem());
      Files.writeString(dir.resolve("root-cert.pem"), rootPem());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static KeyPair keys(KeyForm form) throws GeneralSecurityException {
    if (form == KeyForm.PKCS1_RSA || form == KeyForm.PKCS8_RSA) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(key)));
  }

  /** A certificate as PEM. */
  public static String pem(X509Certificate certificate) {
    return write(certificate);
  }

  static String keyPem(PrivateKey key, PublicKey publicKey, KeyForm form) {
    try {
      return switch (form) {
        case PKCS1_RSA -> write(key);
        case SEC1_EC -> write(sec1(key, publicKey));
        case PKCS8_RSA, PKCS8_EC -> write(new JcaPKCS8Generator(key, null));
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SEC1 as Go's {@code x509.MarshalECPrivateKey} (and so Istio's agent) writes it: with the named
   * curve and the public key, which a bare conversion of the JDK's key leaves out.
   */
  private static PemObject sec1(PrivateKey key, PublicKey publicKey) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
    org.bouncycastle.asn1.sec.ECPrivateKey bare =
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
    byte[] point = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()).getPublicKeyData().getBytes();
    org.bouncycastle.asn1.sec.ECPrivateKey full = new org.bouncycastle.asn1.sec.ECPrivateKey(256, bare.getKey(),
        new DERBitString(point), info.getPrivateKeyAlgorithm().getParameters());
    return new PemObject("EC PRIVATE KEY", full.getEncoded());
  }

  private static String write(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "MeshCa[" + name + "]";
  }
}
