package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Traffic policy for one service port ({@code TrafficPolicy.PortTrafficPolicy}).
 *
 * @param port the service port number
 * @param loadBalancer how endpoints are picked
 * @param connectionPool connection and request limits
 * @param outlierDetection ejection of failing endpoints
 * @param tls TLS origination
 */
public record PortTrafficPolicy(
    int port,
    @Nullable LoadBalancerSettings loadBalancer,
    @Nullable ConnectionPoolSettings connectionPool,
    @Nullable OutlierDetection outlierDetection,
    @Nullable ClientTlsSettings tls) {

  /** A builder of a port's policy; the port is 0 (and so invalid) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this port's policy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.port = port;
    b.loadBalancer = loadBalancer;
    b.connectionPool = connectionPool;
    b.outlierDetection = outlierDetection;
    b.tls = tls;
    return b;
  }

  /**
   * Builds a {@link PortTrafficPolicy}. Setters replace; nested builders are built when passed.
   * No validation. Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private int port;
    private @Nullable LoadBalancerSettings loadBalancer;
    private @Nullable ConnectionPoolSettings connectionPool;
    private @Nullable OutlierDetection outlierDetection;
    private @Nullable ClientTlsSettings tls;

    private Builder() {}

    /** Sets the service port this policy is for (Istio {@code port.number}). */
    public Builder port(int number) {
      this.port = number;
      return this;
    }

    /** Sets how endpoints are picked (Istio {@code loadBalancer}). */
    public Builder loadBalancer(LoadBalancerSettings loadBalancer) {
      this.loadBalancer = requireNonNull(loadBalancer, "loadBalancer");
      return this;
    }

    /** Sets how endpoints are picked, built now (Istio {@code loadBalancer}). */
    public Builder loadBalancer(LoadBalancerSettings.Builder loadBalancer) {
      return loadBalancer(requireNonNull(loadBalancer, "loadBalancer").build());
    }

    /** Sets connection and request limits (Istio {@code connectionPool}). */
    public Builder connectionPool(ConnectionPoolSettings connectionPool) {
      this.connectionPool = requireNonNull(connectionPool, "connectionPool");
      return this;
    }

    /** Sets connection and request limits, built now (Istio {@code connectionPool}). */
    public Builder connectionPool(ConnectionPoolSettings.Builder connectionPool) {
      return connectionPool(requireNonNull(connectionPool, "connectionPool").build());
    }

    /** Sets the ejection of failing endpoints (Istio {@code outlierDetection}). */
    public Builder outlierDetection(OutlierDetection outlierDetection) {
      this.outlierDetection = requireNonNull(outlierDetection, "outlierDetection");
      return this;
    }

    /** Sets the ejection of failing endpoints, built now (Istio {@code outlierDetection}). */
    public Builder outlierDetection(OutlierDetection.Builder outlierDetection) {
      return outlierDetection(requireNonNull(outlierDetection, "outlierDetection").build());
    }

    /** Sets TLS origination towards the endpoints (Istio {@code tls}). */
    public Builder tls(ClientTlsSettings tls) {
      this.tls = requireNonNull(tls, "tls");
      return this;
    }

    /** Sets TLS origination towards the endpoints, built now (Istio {@code tls}). */
    public Builder tls(ClientTlsSettings.Builder tls) {
      return tls(requireNonNull(tls, "tls").build());
    }

    /** The port's policy as set so far. */
    public PortTrafficPolicy build() {
      return new PortTrafficPolicy(port, loadBalancer, connectionPool, outlierDetection, tls);
    }
  }
}
