package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An Istio {@code WorkloadEntry}: a workload outside Kubernetes that ServiceEntries can select.
 *
 * <p>Read from YAML, or built in code with the fields of Istio's reference. A virtual machine
 * running {@code ratings} v2:
 *
 * <pre>{@code
 * WorkloadEntry vm = WorkloadEntry.builder("ratings-vm-1")
 *     .spec(WorkloadEndpoint.builder()
 *         .address("10.0.0.7")
 *         .label("app", "ratings")
 *         .label("version", "v2"))
 *     .build();
 * }</pre>
 *
 * <p>The builder keeps {@code spec} apart, as the YAML does, because the entry's own
 * {@code metadata.labels} ({@link Builder#label}) and the workload's {@code spec.labels} are
 * different things.
 *
 * @param metadata name, namespace and origin
 * @param spec the workload's address, ports, labels and weight
 */
public record WorkloadEntry(ObjectMeta metadata, WorkloadEndpoint spec) implements IstioResource {
  public WorkloadEntry {
    requireNonNull(metadata, "metadata");
    requireNonNull(spec, "spec");
  }

  /**
   * A builder of a WorkloadEntry named {@code name}: namespace unset (the workload's), origin
   * {@link ConfigOrigin#PROGRAMMATIC}; {@link Builder#spec(WorkloadEndpoint)} is required.
   */
  public static Builder builder(String name) {
    return new Builder().name(name);
  }

  /** A builder pre-filled with this WorkloadEntry. */
  @Override
  public Builder toBuilder() {
    Builder b = new Builder().metadata(metadata);
    b.spec = spec;
    return b;
  }

  /**
   * Builds a {@link WorkloadEntry}. Labels and annotations accumulate; other setters replace. No
   * validation: the mesh checks the result as it checks YAML. Not thread-safe; {@link #build()}
   * may be called again after further changes.
   */
  public static final class Builder implements IstioResource.ResourceBuilder<WorkloadEntry> {
    private final ObjectMeta.Builder metadata = ObjectMeta.builder();
    private @Nullable WorkloadEndpoint spec;

    private Builder() {}

    /** Sets the name ({@code metadata.name}). */
    @Override
    public Builder name(String name) {
      metadata.name(name);
      return this;
    }

    /**
     * Sets the namespace ({@code metadata.namespace}); unset, this WorkloadEntry belongs to the
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

    /** Sets the workload's address, ports, labels and weight (Istio {@code spec}); required. */
    public Builder spec(WorkloadEndpoint spec) {
      this.spec = requireNonNull(spec, "spec");
      return this;
    }

    /** Sets the workload's address, ports, labels and weight, built now (Istio {@code spec}). */
    public Builder spec(WorkloadEndpoint.Builder spec) {
      return spec(requireNonNull(spec, "spec").build());
    }

    /**
     * The WorkloadEntry as set so far.
     *
     * @throws IllegalStateException if no spec was set
     */
    @Override
    public WorkloadEntry build() {
      return new WorkloadEntry(metadata.build(), Builders.required(spec, "WorkloadEntry", "spec"));
    }
  }
}
