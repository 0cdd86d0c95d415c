package dev.mesh4j.core.internal.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * Private keys from PEM: PKCS#8 with the JDK, PKCS#1 RSA and SEC1 EC with Bouncy Castle when it is
 * on the class path (an optional dependency: {@link BouncyCastleKeys} is loaded only then).
 * Stateless.
 */
public final class PemKeys {
  private static final String PKCS8 = "PRIVATE KEY";
  private static final String PKCS1 = "RSA PRIVATE KEY";
  private static final String SEC1 = "EC PRIVATE KEY";
  private static final boolean BOUNCY_CASTLE = present("org.bouncycastle.openssl.PEMParser");

  private PemKeys() {}

  public static PrivateKey privateKey(String source, byte[] bytes) throws GeneralSecurityException {
    String pem = new String(bytes, StandardCharsets.US_ASCII);
    if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new GeneralSecurityException(source + " holds an encrypted private key, which mesh4j cannot use");
    }
    String body = body(pem, PKCS8);
    if (body != null) {
      return pkcs8(source, body);
    }
    String form = body(pem, PKCS1) != null ? "a PKCS#1 RSA key (BEGIN " + PKCS1 + ")"
        : body(pem, SEC1) != null ? "a SEC1 EC key (BEGIN " + SEC1 + ")" : null;
    if (form == null) {
      throw new GeneralSecurityException(source + " holds no PEM private key (expected BEGIN " + PKCS8 + ", BEGIN "
          + PKCS1 + " or BEGIN " + SEC1 + ")");
    }
    if (!BOUNCY_CASTLE) {
      throw new GeneralSecurityException(source + " holds " + form + "; reading it needs Bouncy Castle on the class"
          + " path (org.bouncycastle:bcpkix-jdk18on), or the key converted to PKCS#8"
          + " (openssl pkcs8 -topk8 -nocrypt)");
    }
    return BouncyCastleKeys.privateKey(source, pem);
  }

  /** The base64 between {@code BEGIN <type>} and {@code END <type>}, or null. */
  private static String body(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = pem.indexOf(begin);
    if (b < 0) {
      return null;
    }
    int e = pem.indexOf(end, b);
    return e < 0 ? null : pem.substring(b + begin.length(), e);
  }

  private static PrivateKey pkcs8(String source, String base64) throws GeneralSecurityException {
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException(source + " is not valid PEM: " + e.getMessage(), e);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException(source + " holds a PKCS#8 private key of an unsupported algorithm");
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, PemKeys.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
