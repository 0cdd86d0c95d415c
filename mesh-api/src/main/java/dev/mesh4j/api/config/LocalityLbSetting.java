package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Locality-aware balancing ({@code LoadBalancerSettings.localityLbSetting}): how traffic is spread
 * over, or fails over between, the localities ({@code region/zone/subzone}) of a service's
 * endpoints, relative to the calling workload's own locality.
 *
 * <p>At most one of {@link #distribute()} and {@link #failover()} is set (the mesh checks, as
 * Istio's validation does). Immutable.
 *
 * @param enabled false turns locality balancing off for this policy; null or true leaves it on
 * @param distribute weights per destination locality, for callers in the {@code from} locality
 * @param failover where traffic goes when the caller's region has no healthy endpoint left
 * @param failoverPriority endpoint labels that rank endpoints by how many of them (in order)
 *     equal the caller's labels; {@code label=value} compares with that value instead
 */
public record LocalityLbSetting(
    @Nullable Boolean enabled,
    List<Distribute> distribute,
    List<Failover> failover,
    List<String> failoverPriority) {

  public LocalityLbSetting {
    distribute = Copies.list(distribute);
    failover = Copies.list(failover);
    failoverPriority = Copies.list(failoverPriority);
  }

  /** An empty builder: locality balancing on, with Istio's default failover. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this setting. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.enabled = enabled;
    b.distribute.addAll(distribute);
    b.failover.addAll(failover);
    b.failoverPriority.addAll(failoverPriority);
    return b;
  }

  /**
   * Builds a {@link LocalityLbSetting}. Adders append; no validation (the mesh checks as Istio
   * does). Not thread-safe.
   */
  public static final class Builder {
    private @Nullable Boolean enabled;
    private final List<Distribute> distribute = new ArrayList<>();
    private final List<Failover> failover = new ArrayList<>();
    private final List<String> failoverPriority = new ArrayList<>();

    private Builder() {}

    /** Turns locality balancing on or off (Istio {@code enabled}). */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    /** Adds distributions by caller locality (Istio {@code distribute}). */
    public Builder distribute(Distribute... distribute) {
      Builders.addAll(this.distribute, distribute, "distribute");
      return this;
    }

    /** Adds distributions by caller locality, built now (Istio {@code distribute}). */
    public Builder distribute(Distribute.Builder... distribute) {
      requireNonNull(distribute, "distribute");
      for (Distribute.Builder d : distribute) {
        this.distribute.add(requireNonNull(d, "distribute").build());
      }
      return this;
    }

    /** Adds distributions by caller locality (Istio {@code distribute}). */
    public Builder distribute(Collection<Distribute> distribute) {
      Builders.addAll(this.distribute, distribute, "distribute");
      return this;
    }

    /** Adds region failovers (Istio {@code failover}). */
    public Builder failover(Failover... failover) {
      Builders.addAll(this.failover, failover, "failover");
      return this;
    }

    /** Adds region failovers, built now (Istio {@code failover}). */
    public Builder failover(Failover.Builder... failover) {
      requireNonNull(failover, "failover");
      for (Failover.Builder f : failover) {
        this.failover.add(requireNonNull(f, "failover").build());
      }
      return this;
    }

    /** Adds region failovers (Istio {@code failover}). */
    public Builder failover(Collection<Failover> failover) {
      Builders.addAll(this.failover, failover, "failover");
      return this;
    }

    /** Adds failover-priority labels, most significant first (Istio {@code failoverPriority}). */
    public Builder failoverPriority(String... failoverPriority) {
      Builders.addAll(this.failoverPriority, failoverPriority, "failoverPriority");
      return this;
    }

    /** Adds failover-priority labels, most significant first (Istio {@code failoverPriority}). */
    public Builder failoverPriority(Collection<String> failoverPriority) {
      Builders.addAll(this.failoverPriority, failoverPriority, "failoverPriority");
      return this;
    }

    /** The setting as built so far. */
    public LocalityLbSetting build() {
      return new LocalityLbSetting(enabled, distribute, failover, failoverPriority);
    }
  }

  /**
   * Weights per destination locality for callers in one locality.
   *
   * @param from the callers' locality, {@code region/zone/subzone}, a trailing {@code *} for any
   * @param to destination locality → percent of traffic (1..100, summing to 100)
   */
  public record Distribute(String from, Map<String, Integer> to) {
    public Distribute {
      requireNonNull(from, "from");
      to = Copies.map(to);
    }

    /** A builder of a distribution; {@code from} is empty (and so invalid) until set. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder pre-filled with this distribution. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.from = from;
      b.to.putAll(to);
      return b;
    }

    /** Builds a {@link Distribute}. Setters replace, {@code to} adds. No validation. Not thread-safe. */
    public static final class Builder {
      private String from = "";
      private final Map<String, Integer> to = new LinkedHashMap<>();

      private Builder() {}

      /** Sets the callers' locality, {@code region/zone/subzone} or with a trailing {@code *}. */
      public Builder from(String from) {
        this.from = requireNonNull(from, "from");
        return this;
      }

      /** Adds destination localities and their percent of traffic (Istio {@code to}). */
      public Builder to(Map<String, Integer> to) {
        Builders.putAll(this.to, to, "to");
        return this;
      }

      /** The distribution as set so far. */
      public Distribute build() {
        return new Distribute(from, to);
      }
    }
  }

  /**
   * A region failover.
   *
   * @param from the callers' region
   * @param to the region that takes their traffic when theirs has no healthy endpoint
   */
  public record Failover(String from, String to) {
    public Failover {
      requireNonNull(from, "from");
      requireNonNull(to, "to");
    }

    /** A builder of a failover; both regions are empty (and so invalid) until set. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder pre-filled with this failover. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.from = from;
      b.to = to;
      return b;
    }

    /** Builds a {@link Failover}. Setters replace. No validation. Not thread-safe. */
    public static final class Builder {
      private String from = "";
      private String to = "";

      private Builder() {}

      /** Sets the callers' region (Istio {@code from}). */
      public Builder from(String from) {
        this.from = requireNonNull(from, "from");
        return this;
      }

      /** Sets the region traffic fails over to (Istio {@code to}). */
      public Builder to(String to) {
        this.to = requireNonNull(to, "to");
        return this;
      }

      /** The failover as set so far. */
      public Failover build() {
        return new Failover(from, to);
      }
    }
  }
}
