package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
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

  /** A builder of TLS settings with mode {@link TlsMode#DISABLE} (plain text) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with these TLS settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.mode = mode;
    b.clientCertificate = clientCertificate;
    b.privateKey = privateKey;
    b.caCertificates = caCertificates;
    b.credentialName = credentialName;
    b.subjectAltNames.addAll(subjectAltNames);
    b.sni = sni;
    b.insecureSkipVerify = insecureSkipVerify;
    return b;
  }

  /**
   * Builds {@link ClientTlsSettings}. Subject alternative names accumulate; other setters
   * replace; as in Istio, an empty string means unset. No validation (the mesh checks which
   * fields a mode needs). Not thread-safe; {@link #build()} may be called again.
   */
  public static final class Builder {
    private TlsMode mode = TlsMode.DISABLE;
    private @Nullable String clientCertificate;
    private @Nullable String privateKey;
    private @Nullable String caCertificates;
    private @Nullable String credentialName;
    private final List<String> subjectAltNames = new ArrayList<>();
    private @Nullable String sni;
    private @Nullable Boolean insecureSkipVerify;

    private Builder() {}

    /** Sets the TLS mode (Istio {@code mode}); {@code DISABLE} unless set. */
    public Builder mode(TlsMode mode) {
      this.mode = requireNonNull(mode, "mode");
      return this;
    }

    /** Sets the path of the client certificate, for MUTUAL (Istio {@code clientCertificate}). */
    public Builder clientCertificate(String clientCertificate) {
      this.clientCertificate = Builders.emptyIsUnset(clientCertificate, "clientCertificate");
      return this;
    }

    /** Sets the path of the client's private key, for MUTUAL (Istio {@code privateKey}). */
    public Builder privateKey(String privateKey) {
      this.privateKey = Builders.emptyIsUnset(privateKey, "privateKey");
      return this;
    }

    /**
     * Sets the path of the trusted CA bundle (Istio {@code caCertificates}); system trust unless
     * set.
     */
    public Builder caCertificates(String caCertificates) {
      this.caCertificates = Builders.emptyIsUnset(caCertificates, "caCertificates");
      return this;
    }

    /** Sets a secret name; gateways only, a client ignores it (Istio {@code credentialName}). */
    public Builder credentialName(String credentialName) {
      this.credentialName = Builders.emptyIsUnset(credentialName, "credentialName");
      return this;
    }

    /** Adds names the server certificate must carry (Istio {@code subjectAltNames}). */
    public Builder subjectAltNames(String... subjectAltNames) {
      Builders.addAll(this.subjectAltNames, subjectAltNames, "subjectAltNames");
      return this;
    }

    /** Adds names the server certificate must carry (Istio {@code subjectAltNames}). */
    public Builder subjectAltNames(Collection<String> subjectAltNames) {
      Builders.addAll(this.subjectAltNames, subjectAltNames, "subjectAltNames");
      return this;
    }

    /** Sets the SNI sent in the handshake (Istio {@code sni}). */
    public Builder sni(String sni) {
      this.sni = Builders.emptyIsUnset(sni, "sni");
      return this;
    }

    /** Sets whether the server's certificate goes unverified (Istio {@code insecureSkipVerify}). */
    public Builder insecureSkipVerify(boolean insecureSkipVerify) {
      this.insecureSkipVerify = insecureSkipVerify;
      return this;
    }

    /** The TLS settings as set so far. */
    public ClientTlsSettings build() {
      return new ClientTlsSettings(mode, clientCertificate, privateKey, caCertificates,
          credentialName, subjectAltNames, sni, insecureSkipVerify);
    }
  }
}
