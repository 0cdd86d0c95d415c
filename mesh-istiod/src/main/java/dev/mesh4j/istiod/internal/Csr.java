package dev.mesh4j.istiod.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A PKCS#10 certificate signing request for an ECDSA P-256 key, as Istio's agent sends with
 * {@code ECC_SIGNATURE_ALGORITHM=ECDSA}: subject {@code O=<trust domain>}, the workload's SPIFFE ID
 * as a URI subject alternative name, signed with SHA-256. The JDK has no API for a CSR and this
 * one needs five DER structures, so it is written here rather than pulling in a PKIX library.
 */
final class Csr {
  private static final byte SEQUENCE = 0x30;
  private static final byte SET = 0x31;
  private static final byte INTEGER = 0x02;
  private static final byte BIT_STRING = 0x03;
  private static final byte OCTET_STRING = 0x04;
  private static final byte OID = 0x06;
  private static final byte UTF8_STRING = 0x0c;
  private static final byte CONTEXT_0_CONSTRUCTED = (byte) 0xa0;
  private static final byte URI_NAME = (byte) 0x86; // [6] IMPLICIT IA5String

  private static final String ORGANIZATION = "2.5.4.10";
  private static final String EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

  private Csr() {}

  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make an EC P-256 key: " + e.getMessage(), e);
    }
  }

  /** The PEM CSR of {@code keys} for {@code spiffeId}, organization {@code trustDomain}. */
  static String pem(KeyPair keys, String spiffeId, String trustDomain) {
    byte[] subject = der(SEQUENCE, der(SET, der(SEQUENCE, oid(ORGANIZATION),
        der(UTF8_STRING, trustDomain.getBytes(StandardCharsets.UTF_8)))));
    byte[] altNames = der(SEQUENCE, der(URI_NAME, spiffeId.getBytes(StandardCharsets.US_ASCII)));
    byte[] extensions = der(SEQUENCE, der(SEQUENCE, oid(SUBJECT_ALT_NAME), der(OCTET_STRING, altNames)));
    byte[] attributes = der(CONTEXT_0_CONSTRUCTED, der(SEQUENCE, oid(EXTENSION_REQUEST), der(SET, extensions)));
    byte[] info = der(SEQUENCE, der(INTEGER, new byte[] {0}), subject, keys.getPublic().getEncoded(), attributes);
    byte[] signature;
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(keys.getPrivate());
      s.update(info);
      signature = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the CSR: " + e.getMessage(), e);
    }
    byte[] bits = new byte[signature.length + 1]; // no unused bits
    System.arraycopy(signature, 0, bits, 1, signature.length);
    byte[] csr = der(SEQUENCE, info, der(SEQUENCE, oid(ECDSA_WITH_SHA256)), der(BIT_STRING, bits));
    return "-----BEGIN CERTIFICATE REQUEST-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(csr)
        + "\n-----END CERTIFICATE REQUEST-----\n";
  }

  static byte[] der(byte tag, byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
    for (int i = 2; i < arcs.length; i++) {
      long arc = Long.parseLong(arcs[i]);
      int groups = 1;
      for (long a = arc >>> 7; a != 0; a >>>= 7) {
        groups++;
      }
      for (int g = groups - 1; g >= 0; g--) {
        out.write((int) ((arc >>> (7 * g)) & 0x7f) | (g == 0 ? 0 : 0x80));
      }
    }
    return der(OID, out.toByteArray());
  }
}
