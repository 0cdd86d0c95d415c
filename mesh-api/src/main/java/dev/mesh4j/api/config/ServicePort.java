package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A service port ({@code ServicePort}).
 *
 * @param number the port number
 * @param protocol the protocol as written ({@code HTTP}, {@code HTTPS}, {@code TCP}, …)
 * @param name the port name endpoints refer to
 * @param targetPort the endpoint port when endpoints do not say otherwise, or null
 */
public record ServicePort(int number, String protocol, String name, @Nullable Integer targetPort) {

  public ServicePort {
    requireNonNull(protocol, "protocol");
    requireNonNull(name, "name");
  }

  /** Whether mesh4j routes this port as HTTP (HTTP, HTTP2, GRPC, or unset/unknown protocols). */
  public boolean isHttp() {
    return switch (protocol.toUpperCase(Locale.ROOT)) {
      case "HTTP", "HTTP2", "GRPC", "GRPC-WEB", "" -> true;
      default -> false;
    };
  }

  /** Whether the application speaks TLS on this port itself (HTTPS, TLS). */
  public boolean isTlsPassthrough() {
    String p = protocol.toUpperCase(Locale.ROOT);
    return p.equals("HTTPS") || p.equals("TLS");
  }

  /** A builder of a service port; number 0, empty name and protocol (invalid) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this service port. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.number = number;
    b.protocol = protocol;
    b.name = name;
    b.targetPort = targetPort;
    return b;
  }

  /**
   * Builds a {@link ServicePort}. Setters replace. No validation. Not thread-safe;
   * {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private int number;
    private String protocol = "";
    private String name = "";
    private @Nullable Integer targetPort;

    private Builder() {}

    /** Sets the port number (Istio {@code number}). */
    public Builder number(int number) {
      this.number = number;
      return this;
    }

    /**
     * Sets the protocol: {@code HTTP}, {@code HTTPS}, {@code GRPC}, {@code TCP}, … (Istio {@code
     * protocol}).
     */
    public Builder protocol(String protocol) {
      this.protocol = requireNonNull(protocol, "protocol");
      return this;
    }

    /** Sets the port name endpoints refer to (Istio {@code name}). */
    public Builder name(String name) {
      this.name = requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the endpoint port used when an endpoint names none (Istio {@code targetPort}); 0 means
     * unset, as in Istio.
     */
    public Builder targetPort(int targetPort) {
      this.targetPort = Builders.zeroIsUnset(targetPort);
      return this;
    }

    /** The service port as set so far. */
    public ServicePort build() {
      return new ServicePort(number, protocol, name, targetPort);
    }
  }
}
