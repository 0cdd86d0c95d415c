package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The policies applied to traffic for a destination ({@code TrafficPolicy}). Each part is taken
 * whole from the most specific level that sets it: subset port-level, subset, rule port-level,
 * rule.
 *
 * @param loadBalancer how endpoints are picked
 * @param connectionPool connection and request limits
 * @param outlierDetection ejection of failing endpoints
 * @param tls TLS origination
 * @param portLevelSettings overrides per service port
 * @param retryBudget the limit on retries in flight relative to the requests in flight, or null
 *     for none (then {@code connectionPool.http.maxRetries} limits them); set at the rule or
 *     subset level only, as Istio's port-level settings have no retry budget
 */
public record TrafficPolicy(
    @Nullable LoadBalancerSettings loadBalancer,
    @Nullable ConnectionPoolSettings connectionPool,
    @Nullable OutlierDetection outlierDetection,
    @Nullable ClientTlsSettings tls,
    List<PortTrafficPolicy> portLevelSettings,
    @Nullable RetryBudget retryBudget) {

  /** A policy that sets nothing. */
  public static final TrafficPolicy EMPTY = new TrafficPolicy(null, null, null, null, List.of(), null);

  public TrafficPolicy {
    portLevelSettings = Copies.list(portLevelSettings);
  }

  /** A builder of a policy that, until given parts, sets nothing. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this policy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.loadBalancer = loadBalancer;
    b.connectionPool = connectionPool;
    b.outlierDetection = outlierDetection;
    b.tls = tls;
    b.portLevelSettings.addAll(portLevelSettings);
    b.retryBudget = retryBudget;
    return b;
  }

  /** The port-level settings for a port, or null. */
  public @Nullable PortTrafficPolicy forPort(int port) {
    for (PortTrafficPolicy p : portLevelSettings) {
      if (p.port() == port) {
        return p;
      }
    }
    return null;
  }

  /**
   * Builds a {@link TrafficPolicy}. Port-level settings accumulate; other setters replace; nested
   * builders are built when passed. No validation. Not thread-safe; {@link #build()} may be
   * called again after further changes.
   */
  public static final class Builder {
    private @Nullable LoadBalancerSettings loadBalancer;
    private @Nullable ConnectionPoolSettings connectionPool;
    private @Nullable OutlierDetection outlierDetection;
    private @Nullable ClientTlsSettings tls;
    private final List<PortTrafficPolicy> portLevelSettings = new ArrayList<>();
    private @Nullable RetryBudget retryBudget;

    private Builder() {}

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

    /** Adds overrides for single service ports (Istio {@code portLevelSettings}). */
    public Builder portLevelSettings(PortTrafficPolicy... portLevelSettings) {
      Builders.addAll(this.portLevelSettings, portLevelSettings, "portLevelSettings");
      return this;
    }

    /** Adds overrides for single service ports, built now (Istio {@code portLevelSettings}). */
    public Builder portLevelSettings(PortTrafficPolicy.Builder... portLevelSettings) {
      requireNonNull(portLevelSettings, "portLevelSettings");
      for (PortTrafficPolicy.Builder p : portLevelSettings) {
        this.portLevelSettings.add(requireNonNull(p, "portLevelSettings").build());
      }
      return this;
    }

    /** Adds overrides for single service ports (Istio {@code portLevelSettings}). */
    public Builder portLevelSettings(Collection<PortTrafficPolicy> portLevelSettings) {
      Builders.addAll(this.portLevelSettings, portLevelSettings, "portLevelSettings");
      return this;
    }

    /** Sets the limit on retries in flight relative to the requests in flight (Istio {@code retryBudget}). */
    public Builder retryBudget(RetryBudget retryBudget) {
      this.retryBudget = requireNonNull(retryBudget, "retryBudget");
      return this;
    }

    /** Sets the limit on retries in flight, built now (Istio {@code retryBudget}). */
    public Builder retryBudget(RetryBudget.Builder retryBudget) {
      return retryBudget(requireNonNull(retryBudget, "retryBudget").build());
    }

    /** The policy as set so far. */
    public TrafficPolicy build() {
      return new TrafficPolicy(loadBalancer, connectionPool, outlierDetection, tls,
          portLevelSettings, retryBudget);
    }
  }

  /**
   * A limit on the retries in flight to a cluster that grows with its load ({@code RetryBudget}),
   * as Envoy's retry budget: a retry may start while fewer retries are in flight than
   * {@code percent}% of the requests in flight and waiting for a connection (rounded down), or
   * than {@code minRetryConcurrency}, whichever is more. When set, it limits retries instead of
   * {@code connectionPool.http.maxRetries}.
   *
   * @param percent the share of the requests in flight and pending that may be retries, 0 to 100;
   *     null for Istio's default, 20
   * @param minRetryConcurrency the retries allowed in flight however low the load; null (or 0,
   *     which Istio treats as unset) for Istio's default, 3
   */
  public record RetryBudget(@Nullable Double percent, @Nullable Integer minRetryConcurrency) {
    /** Istio's default {@code percent}. */
    public static final double DEFAULT_PERCENT = 20.0;
    /** Istio's default {@code minRetryConcurrency}. */
    public static final int DEFAULT_MIN_RETRY_CONCURRENCY = 3;

    /** Istio's defaults: 20% of the requests in flight, at least 3 retries. */
    public static RetryBudget defaults() {
      return new RetryBudget(null, null);
    }

    /** A builder of a budget with Istio's defaults until set. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder pre-filled with this budget. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.percent = percent;
      b.minRetryConcurrency = minRetryConcurrency;
      return b;
    }

    /**
     * Builds a {@link RetryBudget}. Setters replace. No validation (the mesh checks the range).
     * Not thread-safe; {@link #build()} may be called again after further changes.
     */
    public static final class Builder {
      private @Nullable Double percent;
      private @Nullable Integer minRetryConcurrency;

      private Builder() {}

      /** Sets the share of the requests in flight that may be retries, 0 to 100 (Istio {@code percent}). */
      public Builder percent(double percent) {
        this.percent = percent;
        return this;
      }

      /** Sets the retries allowed however low the load; 0 is unset (Istio {@code minRetryConcurrency}). */
      public Builder minRetryConcurrency(int minRetryConcurrency) {
        this.minRetryConcurrency = Builders.zeroIsUnset(minRetryConcurrency);
        return this;
      }

      /** The budget as set so far. */
      public RetryBudget build() {
        return new RetryBudget(percent, minRetryConcurrency);
      }
    }
  }
}
