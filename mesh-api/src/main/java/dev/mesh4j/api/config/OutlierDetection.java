package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Per-endpoint ejection of failing endpoints ({@code OutlierDetection}). Unset fields take
 * Istio's defaults when the block is present.
 *
 * @param consecutiveErrors deprecated; consecutive gateway errors in old Istio
 * @param splitExternalLocalOriginErrors whether local-origin failures are counted apart
 * @param consecutiveLocalOriginFailures local-origin failures before ejection (with split)
 * @param consecutiveGatewayErrors 502/503/504 responses before ejection
 * @param consecutive5xxErrors 5xx responses before ejection (default 5; 0 disables)
 * @param interval the sweep interval (default 10s)
 * @param baseEjectionTime the base ejection time (default 30s)
 * @param maxEjectionPercent the most endpoints ejected, percent (default 10)
 * @param minHealthPercent below this share of healthy endpoints the balancer panics (default 0)
 */
public record OutlierDetection(
    @Nullable Integer consecutiveErrors,
    @Nullable Boolean splitExternalLocalOriginErrors,
    @Nullable Integer consecutiveLocalOriginFailures,
    @Nullable Integer consecutiveGatewayErrors,
    @Nullable Integer consecutive5xxErrors,
    @Nullable Duration interval,
    @Nullable Duration baseEjectionTime,
    @Nullable Integer maxEjectionPercent,
    @Nullable Integer minHealthPercent) {

  /** A builder of outlier detection with Istio's defaults for every field not set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this outlier detection. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.consecutiveErrors = consecutiveErrors;
    b.splitExternalLocalOriginErrors = splitExternalLocalOriginErrors;
    b.consecutiveLocalOriginFailures = consecutiveLocalOriginFailures;
    b.consecutiveGatewayErrors = consecutiveGatewayErrors;
    b.consecutive5xxErrors = consecutive5xxErrors;
    b.interval = interval;
    b.baseEjectionTime = baseEjectionTime;
    b.maxEjectionPercent = maxEjectionPercent;
    b.minHealthPercent = minHealthPercent;
    return b;
  }

  /**
   * Builds {@link OutlierDetection}. Setters replace. No validation. Not thread-safe;
   * {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private @Nullable Integer consecutiveErrors;
    private @Nullable Boolean splitExternalLocalOriginErrors;
    private @Nullable Integer consecutiveLocalOriginFailures;
    private @Nullable Integer consecutiveGatewayErrors;
    private @Nullable Integer consecutive5xxErrors;
    private @Nullable Duration interval;
    private @Nullable Duration baseEjectionTime;
    private @Nullable Integer maxEjectionPercent;
    private @Nullable Integer minHealthPercent;

    private Builder() {}

    /**
     * Sets whether local-origin failures (connect errors, timeouts) are counted apart (Istio
     * {@code splitExternalLocalOriginErrors}).
     */
    public Builder splitExternalLocalOriginErrors(boolean splitExternalLocalOriginErrors) {
      this.splitExternalLocalOriginErrors = splitExternalLocalOriginErrors;
      return this;
    }

    /**
     * Sets the local-origin failures before ejection (Istio {@code
     * consecutiveLocalOriginFailures}).
     */
    public Builder consecutiveLocalOriginFailures(int consecutiveLocalOriginFailures) {
      this.consecutiveLocalOriginFailures = consecutiveLocalOriginFailures;
      return this;
    }

    /** Sets the 502/503/504 responses before ejection (Istio {@code consecutiveGatewayErrors}). */
    public Builder consecutiveGatewayErrors(int consecutiveGatewayErrors) {
      this.consecutiveGatewayErrors = consecutiveGatewayErrors;
      return this;
    }

    /** Sets the 5xx responses before ejection; 0 disables (Istio {@code consecutive5xxErrors}). */
    public Builder consecutive5xxErrors(int consecutive5xxErrors) {
      this.consecutive5xxErrors = consecutive5xxErrors;
      return this;
    }

    /** Sets the time between ejection sweeps (Istio {@code interval}); 10s unless set. */
    public Builder interval(Duration interval) {
      this.interval = requireNonNull(interval, "interval");
      return this;
    }

    /** Sets the base ejection time (Istio {@code baseEjectionTime}); 30s unless set. */
    public Builder baseEjectionTime(Duration baseEjectionTime) {
      this.baseEjectionTime = requireNonNull(baseEjectionTime, "baseEjectionTime");
      return this;
    }

    /**
     * Sets the most endpoints ejected, percent (Istio {@code maxEjectionPercent}); 10 unless set.
     */
    public Builder maxEjectionPercent(int maxEjectionPercent) {
      this.maxEjectionPercent = maxEjectionPercent;
      return this;
    }

    /** Sets the healthy share below which balancing panics (Istio {@code minHealthPercent}). */
    public Builder minHealthPercent(int minHealthPercent) {
      this.minHealthPercent = minHealthPercent;
      return this;
    }

    /** The outlier detection as set so far. */
    public OutlierDetection build() {
      return new OutlierDetection(consecutiveErrors, splitExternalLocalOriginErrors,
          consecutiveLocalOriginFailures, consecutiveGatewayErrors, consecutive5xxErrors, interval,
          baseEjectionTime, maxEjectionPercent, minHealthPercent);
    }
  }
}
