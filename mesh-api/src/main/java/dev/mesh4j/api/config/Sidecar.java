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
 * An Istio {@code Sidecar}. A client reads its outbound traffic policy and egress hosts; the
 * rest configures inbound traffic of a proxy and is ignored.
 *
 * <p>Read from YAML, or built in code with the fields of Istio's reference. Only services of
 * the own namespace and {@code istio-system}, nothing else:
 *
 * <pre>{@code
 * Sidecar sidecar = Sidecar.builder("default")
 *     .egressHosts("./*", "istio-system/*")
 *     .outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY)
 *     .build();
 * }</pre>
 *
 * @param metadata name, namespace and origin
 * @param workloadSelector labels of the workloads this applies to; empty means the namespace
 * @param egressHosts the {@code egress[].hosts} entries ({@code namespace/host})
 * @param outboundTrafficPolicy the mode, or null when not set
 */
public record Sidecar(
    ObjectMeta metadata,
    Map<String, String> workloadSelector,
    List<String> egressHosts,
    @Nullable OutboundTrafficPolicy outboundTrafficPolicy)
    implements IstioResource {

  public Sidecar {
    requireNonNull(metadata, "metadata");
    workloadSelector = Copies.map(workloadSelector);
    egressHosts = Copies.list(egressHosts);
  }

  /**
   * A builder of a Sidecar named {@code name}: namespace unset (the workload's), origin
   * {@link ConfigOrigin#PROGRAMMATIC}, applying to every workload of the namespace.
   */
  public static Builder builder(String name) {
    return new Builder().name(name);
  }

  /** A builder pre-filled with this Sidecar. */
  @Override
  public Builder toBuilder() {
    Builder b = new Builder().metadata(metadata);
    b.workloadSelector.putAll(workloadSelector);
    b.egressHosts.addAll(egressHosts);
    b.outboundTrafficPolicy = outboundTrafficPolicy;
    return b;
  }

  /**
   * Builds a {@link Sidecar}. Lists and maps accumulate (each call adds); other setters replace.
   * No validation: the mesh checks the result as it checks YAML. Not thread-safe;
   * {@link #build()} may be called again after further changes.
   */
  public static final class Builder implements IstioResource.ResourceBuilder<Sidecar> {
    private final ObjectMeta.Builder metadata = ObjectMeta.builder();
    private final Map<String, String> workloadSelector = new LinkedHashMap<>();
    private final List<String> egressHosts = new ArrayList<>();
    private @Nullable OutboundTrafficPolicy outboundTrafficPolicy;

    private Builder() {}

    /** Sets the name ({@code metadata.name}). */
    @Override
    public Builder name(String name) {
      metadata.name(name);
      return this;
    }

    /**
     * Sets the namespace ({@code metadata.namespace}); unset, this Sidecar belongs to the
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

    /**
     * Adds a label of the workloads this applies to (Istio {@code workloadSelector.labels}); none
     * means every workload of the namespace.
     */
    public Builder workloadSelector(String name, String value) {
      workloadSelector.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    /** Adds labels of the workloads this applies to (Istio {@code workloadSelector.labels}). */
    public Builder workloadSelector(Map<String, String> labels) {
      Builders.putAll(workloadSelector, labels, "labels");
      return this;
    }

    /**
     * Adds hosts the workloads may reach, as {@code namespace/host} (Istio
     * {@code egress[].hosts}; mesh4j keeps the hosts of every egress listener together).
     */
    public Builder egressHosts(String... hosts) {
      Builders.addAll(egressHosts, hosts, "hosts");
      return this;
    }

    /**
     * Adds hosts the workloads may reach, as {@code namespace/host} (Istio {@code egress[].hosts}).
     */
    public Builder egressHosts(Collection<String> hosts) {
      Builders.addAll(egressHosts, hosts, "hosts");
      return this;
    }

    /**
     * Sets what happens to requests for unknown hosts (Istio {@code outboundTrafficPolicy.mode});
     * the mesh's setting unless set.
     */
    public Builder outboundTrafficPolicy(OutboundTrafficPolicy mode) {
      this.outboundTrafficPolicy = requireNonNull(mode, "mode");
      return this;
    }

    /** The Sidecar as set so far. */
    @Override
    public Sidecar build() {
      return new Sidecar(metadata.build(), workloadSelector, egressHosts, outboundTrafficPolicy);
    }
  }
}
