package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A named subset of a service's endpoints: those whose labels contain all of {@code labels}.
 *
 * @param name the subset name routes refer to
 * @param labels the labels an endpoint must carry
 * @param trafficPolicy overrides the rule's policy for this subset, field by field
 */
public record Subset(String name, Map<String, String> labels, @Nullable TrafficPolicy trafficPolicy) {
  public Subset {
    requireNonNull(name, "name");
    labels = Copies.map(labels);
  }

  /** A builder of a subset; the name is empty (and so invalid) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this subset. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.labels.putAll(labels);
    b.trafficPolicy = trafficPolicy;
    return b;
  }

  /**
   * Builds a {@link Subset}. Labels accumulate; other setters replace. No validation. Not
   * thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private String name = "";
    private final Map<String, String> labels = new LinkedHashMap<>();
    private @Nullable TrafficPolicy trafficPolicy;

    private Builder() {}

    /** Sets the name routes refer to (Istio {@code name}). */
    public Builder name(String name) {
      this.name = requireNonNull(name, "name");
      return this;
    }

    /** Adds a label an endpoint must carry to be in the subset (Istio {@code labels}). */
    public Builder label(String name, String value) {
      labels.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    /** Adds labels an endpoint must carry to be in the subset (Istio {@code labels}). */
    public Builder labels(Map<String, String> labels) {
      Builders.putAll(this.labels, labels, "labels");
      return this;
    }

    /** Sets the policy for this subset, overriding the rule's (Istio {@code trafficPolicy}). */
    public Builder trafficPolicy(TrafficPolicy trafficPolicy) {
      this.trafficPolicy = requireNonNull(trafficPolicy, "trafficPolicy");
      return this;
    }

    /** Sets the policy for this subset, built now (Istio {@code trafficPolicy}). */
    public Builder trafficPolicy(TrafficPolicy.Builder trafficPolicy) {
      return trafficPolicy(requireNonNull(trafficPolicy, "trafficPolicy").build());
    }

    /** The subset as set so far. */
    public Subset build() {
      return new Subset(name, labels, trafficPolicy);
    }
  }
}
