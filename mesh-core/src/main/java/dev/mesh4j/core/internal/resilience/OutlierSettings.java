package dev.mesh4j.core.internal.resilience;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.core.internal.common.Durations;
import java.time.Duration;

/**
 * A DestinationRule's {@code outlierDetection} resolved to the values Envoy runs with, as istiod
 * programs them ({@code applyOutlierDetection} in {@code cluster_traffic_policy.go}) on top of
 * Envoy's defaults ({@code outlier_detection_impl.cc} {@code DetectorConfig}). Immutable.
 *
 * <ul>
 *   <li>{@code consecutive5xxErrors}: unset → Envoy's 5; 0 disables that detector.
 *   <li>{@code consecutiveGatewayErrors}: unset or 0 → off (Envoy counts them but does not
 *       enforce: {@code enforcing_consecutive_gateway_failure} defaults to 0).
 *   <li>Deprecated {@code consecutiveErrors} (when {@code consecutiveGatewayErrors} is unset): the
 *       gateway-error threshold, and the 5xx detector off unless {@code consecutive5xxErrors} is
 *       set — what Istio did with it while it was supported (istio/api#617). Current istiod
 *       ignores the field; mesh4j honours the older meaning and warns at load.
 *   <li>{@code splitExternalLocalOriginErrors}: false → local-origin failures count as 503/504
 *       in the 5xx and gateway counters; true → they count only towards
 *       {@code consecutiveLocalOriginFailures} (unset or 0 → Envoy's 5).
 *   <li>{@code interval} 10s, {@code baseEjectionTime} 30s; Envoy's {@code max_ejection_time}
 *       (which Istio does not set) is {@code max(300s, baseEjectionTime)}.
 *   <li>{@code maxEjectionPercent}: unset or 0 → 10 (istiod passes only values above 0), capped
 *       at 100.
 *   <li>{@code minHealthPercent}: Envoy's panic threshold (default 0 = off), applied by the load
 *       balancer, not by the detector; kept here for explain.
 * </ul>
 *
 * @param consecutive5xx 5xx responses in a row that eject (0 = off)
 * @param consecutiveGateway 502/503/504 responses in a row that eject (0 = off)
 * @param splitLocalOrigin whether local-origin failures are counted apart from responses
 * @param consecutiveLocalOrigin local-origin failures in a row that eject (only with split)
 * @param interval how often ejected endpoints are checked for return, and multipliers decay
 * @param baseEjectionTime the ejection time for a multiplier of 1
 * @param maxEjectionTime the cap on the ejection time
 * @param maxEjectionPercent the most endpoints that may be ejected at once, percent
 * @param minHealthPercent the load balancer's panic threshold, percent
 */
public record OutlierSettings(
    int consecutive5xx,
    int consecutiveGateway,
    boolean splitLocalOrigin,
    int consecutiveLocalOrigin,
    Duration interval,
    Duration baseEjectionTime,
    Duration maxEjectionTime,
    int maxEjectionPercent,
    int minHealthPercent) {

  /** Envoy's default for {@code consecutive_5xx} and {@code consecutive_local_origin_failure}. */
  public static final int DEFAULT_CONSECUTIVE = 5;
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
  /** Envoy's default {@code max_ejection_time}. */
  public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);
  public static final int DEFAULT_MAX_EJECTION_PERCENT = 10;
  /** The shortest sweep interval mesh4j runs (Istio requires at least 1ms). */
  static final Duration MIN_INTERVAL = Duration.ofMillis(1);

  public OutlierSettings {
    requireNonNull(interval, "interval");
    requireNonNull(baseEjectionTime, "baseEjectionTime");
    requireNonNull(maxEjectionTime, "maxEjectionTime");
  }

  /** The settings Envoy runs with for this {@code outlierDetection} block. */
  public static OutlierSettings of(OutlierDetection od) {
    requireNonNull(od, "od");
    int fiveXx;
    int gateway;
    if (od.consecutiveGatewayErrors() != null) {
      gateway = od.consecutiveGatewayErrors();
      fiveXx = od.consecutive5xxErrors() != null ? od.consecutive5xxErrors() : DEFAULT_CONSECUTIVE;
    } else if (od.consecutiveErrors() != null && od.consecutiveErrors() > 0) {
      gateway = od.consecutiveErrors();
      fiveXx = od.consecutive5xxErrors() != null ? od.consecutive5xxErrors() : 0;
    } else {
      gateway = 0;
      fiveXx = od.consecutive5xxErrors() != null ? od.consecutive5xxErrors() : DEFAULT_CONSECUTIVE;
    }
    boolean split = Boolean.TRUE.equals(od.splitExternalLocalOriginErrors());
    Integer lo = od.consecutiveLocalOriginFailures();
    int localOrigin = lo != null && lo > 0 ? lo : DEFAULT_CONSECUTIVE;
    Duration interval = od.interval() != null ? od.interval() : DEFAULT_INTERVAL;
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      interval = MIN_INTERVAL;
    }
    Duration base = od.baseEjectionTime() != null ? od.baseEjectionTime() : DEFAULT_BASE_EJECTION_TIME;
    Duration max = base.compareTo(DEFAULT_MAX_EJECTION_TIME) > 0 ? base : DEFAULT_MAX_EJECTION_TIME;
    Integer mep = od.maxEjectionPercent();
    int maxPercent = mep != null && mep > 0 ? Math.min(100, mep) : DEFAULT_MAX_EJECTION_PERCENT;
    int minHealth = od.minHealthPercent() != null ? od.minHealthPercent() : 0;
    return new OutlierSettings(Math.max(0, fiveXx), Math.max(0, gateway), split, localOrigin,
        interval, base, max, maxPercent, minHealth);
  }

  /**
   * How many of {@code hosts} endpoints may be ejected at once: Envoy ejects only while
   * {@code 100 × (ejected + 1) / hosts <= maxEjectionPercent}. With the default 10%, a cluster
   * of fewer than 10 endpoints can eject none.
   */
  public int maxEjectable(int hosts) {
    return hosts <= 0 ? 0 : (int) ((long) maxEjectionPercent * hosts / 100);
  }

  /** Whether any detector can eject at all (some threshold is on). */
  public boolean detects() {
    return splitLocalOrigin || consecutive5xx > 0 || consecutiveGateway > 0;
  }

  @Override
  public String toString() {
    // In Istio's field names, with the defaults filled in, as explain shows it.
    StringBuilder sb = new StringBuilder();
    sb.append("consecutive5xxErrors ").append(consecutive5xx == 0 ? "off" : Integer.toString(consecutive5xx));
    if (consecutiveGateway > 0) {
      sb.append(", consecutiveGatewayErrors ").append(consecutiveGateway);
    }
    if (splitLocalOrigin) {
      sb.append(", splitExternalLocalOriginErrors, consecutiveLocalOriginFailures ").append(consecutiveLocalOrigin);
    }
    sb.append(", interval ").append(Durations.format(interval))
        .append(", baseEjectionTime ").append(Durations.format(baseEjectionTime))
        .append(", maxEjectionPercent ").append(maxEjectionPercent)
        .append(", max ejection time ").append(Durations.format(maxEjectionTime));
    if (minHealthPercent > 0) {
      sb.append(", minHealthPercent ").append(minHealthPercent);
    }
    return sb.toString();
  }
}
