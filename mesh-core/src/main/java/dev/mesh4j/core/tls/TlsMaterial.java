package dev.mesh4j.core.tls;

import dev.mesh4j.api.config.ClientTlsSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Certificate material as read from its files at one moment: a CA bundle (PEM; none means the
 * JVM's trust store), and for mutual TLS a certificate chain and its PKCS#8 private key (PEM).
 * Two readings are {@link #equals equal} when the files' contents are; their {@link #fingerprint}
 * (SHA-256 of the contents) is what a holder keeps to tell whether a re-read changed anything,
 * rather than the bytes (a private key among them).
 * It depends on the JDK only, so that any holder of certificate files — a DestinationRule's, or a
 * workload identity's — can be watched the same way. Immutable.
 */
public final class TlsMaterial {
  private final @Nullable String caFile;
  private final @Nullable String certFile;
  private final @Nullable String keyFile;
  private final byte @Nullable [] ca;
  private final byte @Nullable [] cert;
  private final byte @Nullable [] key;
  private final String fingerprint;

  private TlsMaterial(@Nullable String caFile, byte @Nullable [] ca, @Nullable String certFile,
      byte @Nullable [] cert, @Nullable String keyFile, byte @Nullable [] key) {
    this.caFile = caFile;
    this.ca = ca;
    this.certFile = certFile;
    this.cert = cert;
    this.keyFile = keyFile;
    this.key = key;
    this.fingerprint = fingerprint(ca, cert, key);
  }

  /** The files a DestinationRule's {@code tls} names, read now. */
  public static TlsMaterial read(ClientTlsSettings settings) throws IOException {
    boolean insecure = Boolean.TRUE.equals(settings.insecureSkipVerify());
    boolean mutual = settings.mode() == ClientTlsSettings.TlsMode.MUTUAL
        && settings.clientCertificate() != null && settings.privateKey() != null;
    return read(insecure ? null : settings.caCertificates(), mutual ? settings.clientCertificate() : null,
        mutual ? settings.privateKey() : null);
  }

  /**
   * Reads the given files now.
   *
   * @param caFile the CA bundle, or null for the JVM's trust store
   * @param certFile the client certificate chain, or null for none
   * @param keyFile the client certificate's private key, or null for none
   * @throws IOException when a file cannot be read; the message names it
   */
  public static TlsMaterial read(@Nullable String caFile, @Nullable String certFile, @Nullable String keyFile)
      throws IOException {
    return new TlsMaterial(caFile, bytes(caFile), certFile, bytes(certFile), keyFile, bytes(keyFile));
  }

  private static byte @Nullable [] bytes(@Nullable String file) throws IOException {
    if (file == null) {
      return null;
    }
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new IOException(file + " does not exist", e);
    } catch (IOException e) {
      throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String fingerprint(byte @Nullable []... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        if (part == null) {
          sha.update((byte) 0);
        } else {
          sha.update((byte) 1);
          sha.update(Long.toString(part.length).getBytes(StandardCharsets.US_ASCII));
          sha.update(part);
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** SHA-256 of the contents, in hex: equal for equal readings. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The files read, for messages. */
  public List<String> files() {
    List<String> files = new ArrayList<>(3);
    for (String f : new String[] {caFile, certFile, keyFile}) {
      if (f != null) {
        files.add(f);
      }
    }
    return files;
  }

  /**
   * An SSL context, its trust manager and its key managers (null without a client certificate).
   */
  public record Built(SSLContext context, X509TrustManager trustManager, KeyManager @Nullable [] keyManagers) {

    /**
     * A context with the same client certificate and another trust manager: a transport whose
     * client cannot be told which name to verify (the JDK's) verifies it in the trust manager.
     */
    public SSLContext withTrustManager(X509TrustManager trust) throws GeneralSecurityException {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagers, new TrustManager[] {trust}, null);
      return ctx;
    }
  }

  /**
   * Builds an SSL context from this material.
   *
   * @param trustAll whether to accept any server certificate ({@code insecureSkipVerify})
   * @throws GeneralSecurityException when the material cannot be used (not PEM, no certificate,
   *     an unsupported key, a key that is not the certificate's); the message names the file
   */
  public Built build(boolean trustAll) throws GeneralSecurityException {
    X509TrustManager trust = trustAll ? new TrustAll() : trustManager();
    KeyManagerFactory kmf = null;
    if (cert != null && key != null) {
      kmf = keyManagers();
    }
    KeyManager[] keyManagers = kmf == null ? null : kmf.getKeyManagers();
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keyManagers, new TrustManager[] {trust}, null);
    return new Built(ctx, trust, keyManagers);
  }

  private X509TrustManager trustManager() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (ca == null) {
      tmf.init((KeyStore) null);
    } else {
      KeyStore ks = emptyKeyStore();
      int i = 0;
      for (Certificate c : certificates(caFile, ca)) {
        ks.setCertificateEntry("ca-" + i++, c);
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

  private KeyManagerFactory keyManagers() throws GeneralSecurityException {
    Collection<? extends Certificate> chain = certificates(certFile, cert);
    PrivateKey privateKey = privateKey(keyFile, key);
    checkKeyMatches((X509Certificate) chain.iterator().next(), privateKey);
    KeyStore ks = emptyKeyStore();
    ks.setKeyEntry("client", privateKey, new char[0], chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    return kmf;
  }

  private static KeyStore emptyKeyStore() throws GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return ks;
  }

  private static Collection<? extends Certificate> certificates(String file, byte[] pem)
      throws GeneralSecurityException {
    Collection<? extends Certificate> certs;
    try {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(file + " holds no readable certificate: " + e.getMessage(), e);
    }
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + file);
    }
    return certs;
  }

  /** A PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}), RSA, EC or Ed25519. */
  private static PrivateKey privateKey(String file, byte[] bytes) throws GeneralSecurityException {
    String pem = new String(bytes, StandardCharsets.US_ASCII);
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new GeneralSecurityException(file + " is not a PKCS#8 PEM private key (BEGIN PRIVATE KEY)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException(file + " is not valid PEM: " + e.getMessage(), e);
    }
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

  /**
   * Fails unless the key is the certificate's: a rotation caught between writing the certificate
   * and writing the key must not produce a context whose handshakes fail.
   */
  private void checkKeyMatches(X509Certificate leaf, PrivateKey privateKey) throws GeneralSecurityException {
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return;
    }
    byte[] probe = "mesh4j key check".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(privateKey);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(leaf.getPublicKey());
      verify.update(probe);
      matches = verify.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new GeneralSecurityException(keyFile + " is not the private key of the certificate in " + certFile);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsMaterial m && m.fingerprint.equals(fingerprint);
  }

  @Override
  public int hashCode() {
    return fingerprint.hashCode();
  }

  @Override
  public String toString() {
    return "TlsMaterial" + files();
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
