package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An Istio {@code DestinationRule}: subsets of a service and the traffic policy for it.
 *
 * <p>Read from YAML, or built in code with the fields of Istio's reference. The {@code reviews}
 * rule of bookinfo's {@code destination-rule-all.yaml}, with a traffic policy added:
 *
 * <pre>{@code
 * DestinationRule reviews = DestinationRule.builder("reviews")
 *     .host("reviews")
 *     .trafficPolicy(TrafficPolicy.builder()
 *         .loadBalancer(LoadBalancerSettings.builder()
 *             .consistentHash(ConsistentHashLb.builder().httpHeaderName("end-user")))
 *         .outlierDetection(OutlierDetection.builder()
 *             .consecutive5xxErrors(5)
 *             .interval(Duration.ofSeconds(10))))
 *     .subsets(Subset.builder().name("v1").label("version", "v1"))
 *     .subsets(Subset.builder().name("v2").label("version", "v2"))
 *     .subsets(Subset.builder().name("v3").label("version", "v3"))
 *     .build();
 * }</pre>
 *
 * @param metadata name, namespace and origin
 * @param host the service host as written (wildcards allowed)
 * @param trafficPolicy the policy for every subset and port, or null
 * @param subsets named label selections over the service's endpoints
 * @param exportTo the namespaces this is visible to; empty means all
 * @param workloadSelector labels a workload must carry for this rule to apply to it; empty means
 *     every workload
 */
public record DestinationRule(
    ObjectMeta metadata,
    String host,
    @Nullable TrafficPolicy trafficPolicy,
    List<Subset> subsets,
    List<String> exportTo,
    Map<String, String> workloadSelector)
    implements IstioResource {

  public DestinationRule {
    requireNonNull(metadata, "metadata");
    requireNonNull(host, "host");
    subsets = Copies.list(subsets);
    exportTo = Copies.list(exportTo);
    workloadSelector = Copies.map(workloadSelector);
  }

  /**
   * A builder of a DestinationRule named {@code name}: namespace unset (the workload's), origin
   * {@link ConfigOrigin#PROGRAMMATIC}; the host is empty (and so invalid) until set.
   */
  public static Builder builder(String name) {
    return new Builder().name(name);
  }

  /** A builder pre-filled with this DestinationRule. */
  @Override
  public Builder toBuilder() {
    Builder b = new Builder().metadata(metadata);
    b.host = host;
    b.trafficPolicy = trafficPolicy;
    b.subsets.addAll(subsets);
    b.exportTo.addAll(exportTo);
    b.workloadSelector.putAll(workloadSelector);
    return b;
  }

  /** The subset of that name, or null. */
  public @Nullable Subset subset(String name) {
    for (Subset s : subsets) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  /**
   * Builds a {@link DestinationRule}. Lists and maps accumulate (each call adds); other setters
   * replace; nested builders are built when passed. No validation: the mesh checks the result as
   * it checks YAML. Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder implements IstioResource.ResourceBuilder<DestinationRule> {
    private final ObjectMeta.Builder metadata = ObjectMeta.builder();
    private String host = "";
    private @Nullable TrafficPolicy trafficPolicy;
    private final List<Subset> subsets = new ArrayList<>();
    private final List<String> exportTo = new ArrayList<>();
    private final Map<String, String> workloadSelector = new LinkedHashMap<>();

    private Builder() {}

    /** Sets the name ({@code metadata.name}). */
    @Override
    public Builder name(String name) {
      metadata.name(name);
      return this;
    }

    /**
     * Sets the namespace ({@code metadata.namespace}); unset, this DestinationRule belongs to the
     * namespace of the workload the configuration is applied to.
     */
    @Override
    public Builder namespace(String namespace) {
      metadata.namespace(namespace);
      return this;
    }

    /** Adds a label ({@code metadata.labels}). */
    @Override
    public Builder label(String name, String value) {
      metadata.label(name, value);
      return this;
    }

    /** Adds labels ({@code metadata.labels}). */
    @Override
    public Builder labels(Map<String, String> labels) {
      metadata.labels(labels);
      return this;
    }

    /** Adds an annotation ({@code metadata.annotations}). */
    @Override
    public Builder annotation(String name, String value) {
      metadata.annotation(name, value);
      return this;
    }

    /** Adds annotations ({@code metadata.annotations}). */
    @Override
    public Builder annotations(Map<String, String> annotations) {
      metadata.annotations(annotations);
      return this;
    }

    /** Sets the creation time ({@code metadata.creationTimestamp}); older wins conflicts. */
    @Override
    public Builder creationTimestamp(Instant creationTimestamp) {
      metadata.creationTimestamp(creationTimestamp);
      return this;
    }

    /** Sets the origin named in config problems; {@link ConfigOrigin#PROGRAMMATIC} unless set. */
    @Override
    public Builder origin(ConfigOrigin origin) {
      metadata.origin(origin);
      return this;
    }

    /** Replaces the whole metadata: name, namespace, labels, annotations, time and origin. */
    @Override
    public Builder metadata(ObjectMeta metadata) {
      this.metadata.reset(requireNonNull(metadata, "metadata"));
      return this;
    }

    /** Sets the service host this rule applies to; wildcards allowed (Istio {@code host}). */
    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    /** Sets the policy for every subset and port (Istio {@code trafficPolicy}). */
    public Builder trafficPolicy(TrafficPolicy trafficPolicy) {
      this.trafficPolicy = requireNonNull(trafficPolicy, "trafficPolicy");
      return this;
    }

    /** Sets the policy for every subset and port, built now (Istio {@code trafficPolicy}). */
    public Builder trafficPolicy(TrafficPolicy.Builder trafficPolicy) {
      return trafficPolicy(requireNonNull(trafficPolicy, "trafficPolicy").build());
    }

    /** Adds named subsets of the service's endpoints (Istio {@code subsets}). */
    public Builder subsets(Subset... subsets) {
      Builders.addAll(this.subsets, subsets, "subsets");
      return this;
    }

    /** Adds named subsets of the service's endpoints, built now (Istio {@code subsets}). */
    public Builder subsets(Subset.Builder... subsets) {
      requireNonNull(subsets, "subsets");
      for (Subset.Builder s : subsets) {
        this.subsets.add(requireNonNull(s, "subsets").build());
      }
      return this;
    }

    /** Adds named subsets of the service's endpoints (Istio {@code subsets}). */
    public Builder subsets(Collection<Subset> subsets) {
      Builders.addAll(this.subsets, subsets, "subsets");
      return this;
    }

    /**
     * Adds namespaces this rule is visible to (Istio {@code exportTo}: a namespace, {@code "."}
     * for its own, {@code "*"} for all); none means all.
     */
    public Builder exportTo(String... namespaces) {
      Builders.addAll(exportTo, namespaces, "namespaces");
      return this;
    }

    /** Adds namespaces this rule is visible to (Istio {@code exportTo}). */
    public Builder exportTo(Collection<String> namespaces) {
      Builders.addAll(exportTo, namespaces, "namespaces");
      return this;
    }

    /**
     * Adds a label a workload must carry for this rule to apply to it (Istio
     * {@code workloadSelector.matchLabels}); none means every workload.
     */
    public Builder workloadSelector(String name, String value) {
      workloadSelector.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    /** Adds labels a workload must carry (Istio {@code workloadSelector.matchLabels}). */
    public Builder workloadSelector(Map<String, String> matchLabels) {
      Builders.putAll(workloadSelector, matchLabels, "matchLabels");
      return this;
    }

    /** The DestinationRule as set so far. */
    @Override
    public DestinationRule build() {
      return new DestinationRule(metadata.build(), host, trafficPolicy, subsets, exportTo,
          workloadSelector);
    }
  }
}
