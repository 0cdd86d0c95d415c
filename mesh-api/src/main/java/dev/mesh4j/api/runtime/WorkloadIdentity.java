package dev.mesh4j.api.runtime;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The workload's identity in the mesh, as Istio's agent issues it: a certificate chain whose leaf
 * names the workload by a SPIFFE URI ({@code spiffe://cluster.local/ns/default/sa/productpage}),
 * its private key, and the roots the mesh's peers are verified against. mesh4j presents it under
 * {@code ISTIO_MUTUAL} and auto mTLS, and verifies peers against its roots.
 *
 * <p>Certificates are short-lived (Istio's last 24 hours); a rotated certificate is a new
 * {@code WorkloadIdentity}, delivered by an {@link dev.mesh4j.api.spi.IdentitySource}. New
 * connections use the newest identity; connections already made keep theirs.
 *
 * <p>Immutable and thread-safe. Two identities are equal only when they are the same object: a
 * holder tells a rotation by reference. {@link #toString()} shows the SPIFFE ID and expiry, never
 * key material.
 */
public final class WorkloadIdentity {
  private static final int URI_NAME = 6;

  private final List<X509Certificate> certificateChain;
  private final PrivateKey privateKey;
  private final List<X509Certificate> trustRoots;
  private final @Nullable String spiffeId;

  private WorkloadIdentity(List<X509Certificate> certificateChain, PrivateKey privateKey,
      List<X509Certificate> trustRoots) {
    this.certificateChain = certificateChain;
    this.privateKey = privateKey;
    this.trustRoots = trustRoots;
    this.spiffeId = spiffeId(certificateChain.get(0));
  }

  /**
   * An identity from its parts.
   *
   * @param certificateChain the workload's certificate first, then the intermediates up to (but
   *     not necessarily including) a root, as Istio's {@code cert-chain.pem} holds them
   * @param privateKey the private key of the first certificate
   * @param trustRoots the mesh's root certificates ({@code root-cert.pem}): peers' certificates
   *     must chain to one of them
   * @throws IllegalArgumentException when the chain or the roots are empty, or the key is not the
   *     first certificate's (a rotation caught between writing the certificate and the key)
   */
  public static WorkloadIdentity of(List<X509Certificate> certificateChain, PrivateKey privateKey,
      Collection<X509Certificate> trustRoots) {
    requireNonNull(certificateChain, "certificateChain");
    requireNonNull(privateKey, "privateKey");
    requireNonNull(trustRoots, "trustRoots");
    List<X509Certificate> chain = List.copyOf(certificateChain);
    List<X509Certificate> roots = List.copyOf(trustRoots);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificateChain: empty (expected: the workload certificate first)");
    }
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("trustRoots: empty (expected: the mesh's root certificates)");
    }
    if (!keyMatches(chain.get(0), privateKey)) {
      throw new IllegalArgumentException("privateKey: a " + privateKey.getAlgorithm()
          + " key that is not the key of the certificate " + chain.get(0).getSubjectX500Principal().getName());
    }
    return new WorkloadIdentity(chain, privateKey, roots);
  }

  /** The workload certificate, then its intermediates. */
  public List<X509Certificate> certificateChain() {
    return certificateChain;
  }

  /** The workload certificate (the first of the chain). */
  public X509Certificate certificate() {
    return certificateChain.get(0);
  }

  /** The private key of {@link #certificate()}. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The roots peers are verified against. */
  public List<X509Certificate> trustRoots() {
    return trustRoots;
  }

  /**
   * The workload's SPIFFE ID: the first {@code spiffe://} URI among the certificate's subject
   * alternative names, or null when it has none (a certificate not issued by a mesh CA).
   */
  public @Nullable String spiffeId() {
    return spiffeId;
  }

  /** When the workload certificate expires. */
  public Instant notAfter() {
    return certificate().getNotAfter().toInstant();
  }

  /** The first {@code spiffe://} URI subject alternative name of a certificate, or null. */
  public static @Nullable String spiffeId(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return null;
    }
    if (names == null) {
      return null;
    }
    for (List<?> name : names) {
      if (name.size() >= 2 && name.get(0) instanceof Integer type && type == URI_NAME
          && name.get(1) instanceof String uri && uri.startsWith("spiffe://")) {
        return uri;
      }
    }
    return null;
  }

  /** Signs a probe with the key and verifies it with the certificate's public key. */
  private static boolean keyMatches(X509Certificate certificate, PrivateKey key) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "Ed448" -> "Ed448";
      default -> null;
    };
    if (algorithm == null) {
      // An algorithm without a known signature: the handshake will tell.
      return certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm());
    }
    byte[] probe = "mesh4j identity check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certificate.getPublicKey());
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "WorkloadIdentity[" + (spiffeId != null ? spiffeId : certificate().getSubjectX500Principal().getName())
        + ", expires " + notAfter() + "]";
  }
}
