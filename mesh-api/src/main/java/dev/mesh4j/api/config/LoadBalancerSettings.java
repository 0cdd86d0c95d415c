package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How endpoints are picked ({@code LoadBalancerSettings}): a simple algorithm or a consistent
 * hash.
 *
 * @param simple the simple algorithm, or null
 * @param consistentHash the consistent-hash settings, or null
 * @param localityLbSetting locality-aware distribution and failover, or null for Istio's mesh
 *     default (locality failover whenever outlier detection is set)
 * @param warmup slow start for new endpoints
 */
public record LoadBalancerSettings(
    @Nullable SimpleLb simple,
    @Nullable ConsistentHashLb consistentHash,
    @Nullable LocalityLbSetting localityLbSetting,
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

  /** Settings that only name a simple algorithm. */
  public static LoadBalancerSettings simple(SimpleLb simple) {
    return new LoadBalancerSettings(simple, null, null, null);
  }

  /** A builder of settings that, until given an algorithm, keep Istio's default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.simple = simple;
    b.consistentHash = consistentHash;
    b.localityLbSetting = localityLbSetting;
    b.warmup = warmup;
    return b;
  }

  /**
   * Builds {@link LoadBalancerSettings}. Setters replace; nested builders are built when passed.
   * No validation (Istio allows one of {@code simple} and {@code consistentHash}; the mesh
   * checks). Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private @Nullable SimpleLb simple;
    private @Nullable ConsistentHashLb consistentHash;
    private @Nullable LocalityLbSetting localityLbSetting;
    private @Nullable Warmup warmup;

    private Builder() {}

    /** Sets a simple algorithm (Istio {@code simple}). */
    public Builder simple(SimpleLb simple) {
      this.simple = requireNonNull(simple, "simple");
      return this;
    }

    /** Sets consistent-hash balancing (Istio {@code consistentHash}). */
    public Builder consistentHash(ConsistentHashLb consistentHash) {
      this.consistentHash = requireNonNull(consistentHash, "consistentHash");
      return this;
    }

    /** Sets consistent-hash balancing, built now (Istio {@code consistentHash}). */
    public Builder consistentHash(ConsistentHashLb.Builder consistentHash) {
      return consistentHash(requireNonNull(consistentHash, "consistentHash").build());
    }

    /** Sets locality-aware distribution and failover (Istio {@code localityLbSetting}). */
    public Builder localityLbSetting(LocalityLbSetting localityLbSetting) {
      this.localityLbSetting = requireNonNull(localityLbSetting, "localityLbSetting");
      return this;
    }

    /** Sets locality-aware distribution and failover, built now (Istio {@code localityLbSetting}). */
    public Builder localityLbSetting(LocalityLbSetting.Builder localityLbSetting) {
      return localityLbSetting(requireNonNull(localityLbSetting, "localityLbSetting").build());
    }

    /** Sets slow start for new endpoints (Istio {@code warmup}). */
    public Builder warmup(Warmup warmup) {
      this.warmup = requireNonNull(warmup, "warmup");
      return this;
    }

    /** Sets slow start for new endpoints, built now (Istio {@code warmup}). */
    public Builder warmup(Warmup.Builder warmup) {
      return warmup(requireNonNull(warmup, "warmup").build());
    }

    /** The settings as set so far. */
    public LoadBalancerSettings build() {
      return new LoadBalancerSettings(simple, consistentHash, localityLbSetting, warmup);
    }
  }

  /**
   * Slow start for new endpoints.
   *
   * @param duration how long an endpoint warms up
   * @param minimumPercent the least share of traffic a warming endpoint gets, 0..100, or null
   * @param aggression how fast traffic grows during warm-up (1.0 = linear), or null
   */
  public record Warmup(Duration duration, @Nullable Double minimumPercent, @Nullable Double aggression) {

    /** A builder of a warm-up; {@link Builder#duration(Duration)} is required. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder pre-filled with this warm-up. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.duration = duration;
      b.minimumPercent = minimumPercent;
      b.aggression = aggression;
      return b;
    }

    /** Builds a {@link Warmup}. Setters replace. No validation. Not thread-safe. */
    public static final class Builder {
      private @Nullable Duration duration;
      private @Nullable Double minimumPercent;
      private @Nullable Double aggression;

      private Builder() {}

      /** Sets how long a new endpoint warms up (Istio {@code duration}); required. */
      public Builder duration(Duration duration) {
        this.duration = requireNonNull(duration, "duration");
        return this;
      }

      /**
       * Sets the least share of traffic a warming endpoint gets, 0..100 (Istio {@code
       * minimumPercent}).
       */
      public Builder minimumPercent(double minimumPercent) {
        this.minimumPercent = minimumPercent;
        return this;
      }

      /** Sets how fast traffic grows during warm-up, 1.0 linear (Istio {@code aggression}). */
      public Builder aggression(double aggression) {
        this.aggression = aggression;
        return this;
      }

      /**
       * The warm-up as set so far.
       *
       * @throws IllegalStateException if no duration was set
       */
      public Warmup build() {
        return new Warmup(Builders.required(duration, "Warmup", "duration"), minimumPercent,
            aggression);
      }
    }
  }
}
