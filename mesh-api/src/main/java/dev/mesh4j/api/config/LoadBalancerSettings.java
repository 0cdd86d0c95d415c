package dev.mesh4j.api.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How endpoints are picked ({@code LoadBalancerSettings}): a simple algorithm or a consistent
 * hash.
 *
 * @param simple the simple algorithm, or null
 * @param consistentHash the consistent-hash settings, or null
 * @param localityLbSettingPresent whether {@code localityLbSetting} was given (accepted, not
 *     applied: mesh4j runs in one locality)
 * @param warmup slow start for new endpoints
 */
public record LoadBalancerSettings(
    @Nullable SimpleLb simple,
    @Nullable ConsistentHashLb consistentHash,
    boolean localityLbSettingPresent,
    @Nullable Warmup warmup) {

  /** The simple algorithms ({@code LoadBalancerSettings.SimpleLB}). */
  public enum SimpleLb {
    /** Istio's default: least request. */
    UNSPECIFIED,
    /** Deprecated alias of {@link #LEAST_REQUEST}. */
    LEAST_CONN,
    /** Uniformly random over healthy endpoints. */
    RANDOM,
    /** Forward to the address the application named, without balancing. */
    PASSTHROUGH,
    /** Weighted round robin. */
    ROUND_ROBIN,
    /** Power of two choices on active requests. */
    LEAST_REQUEST
  }

  /**
   * Slow start for new endpoints.
   *
   * @param duration how long an endpoint warms up
   * @param minimumPercent the least share of traffic a warming endpoint gets, 0..100, or null
   * @param aggression how fast traffic grows during warm-up (1.0 = linear), or null
   */
  public record Warmup(Duration duration, @Nullable Double minimumPercent, @Nullable Double aggression) {}

  /** Settings that only name a simple algorithm. */
  public static LoadBalancerSettings simple(SimpleLb simple) {
    return new LoadBalancerSettings(simple, null, false, null);
  }
}
