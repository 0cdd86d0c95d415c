package dev.mesh4j.api.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * TLS origination towards a destination ({@code ClientTLSSettings}).
 *
 * @param mode the TLS mode
 * @param clientCertificate path of the client certificate (MUTUAL)
 * @param privateKey path of the client private key (MUTUAL)
 * @param caCertificates path of the trusted CA bundle; null means the system trust store
 * @param credentialName a secret name (gateways only; ignored by a client)
 * @param subjectAltNames names the server certificate must carry
 * @param sni the SNI to send
 * @param insecureSkipVerify whether server verification is skipped
 */
public record ClientTlsSettings(
    TlsMode mode,
    @Nullable String clientCertificate,
    @Nullable String privateKey,
    @Nullable String caCertificates,
    @Nullable String credentialName,
    List<String> subjectAltNames,
    @Nullable String sni,
    @Nullable Boolean insecureSkipVerify) {

  /** TLS modes ({@code ClientTLSSettings.TLSmode}). */
  public enum TlsMode {
    /** Plain text. */
    DISABLE,
    /** TLS, verifying the server. */
    SIMPLE,
    /** Mutual TLS with the given client certificate. */
    MUTUAL,
    /** Mutual TLS with the workload's Istio identity. */
    ISTIO_MUTUAL
  }

  public ClientTlsSettings {
    mode = mode == null ? TlsMode.DISABLE : mode;
    subjectAltNames = Copies.list(subjectAltNames);
  }
}
