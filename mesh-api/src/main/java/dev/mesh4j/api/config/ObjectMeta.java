package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Kubernetes metadata of a resource, plus where mesh4j read it from.
 *
 * <p>An empty {@link #namespace()} is unset: the resource belongs to the namespace of the
 * workload the configuration is applied to, exactly as a YAML document without
 * {@code metadata.namespace}. The YAML loader fills in that namespace when it reads such a
 * document; resources built in code keep it empty until the mesh applies them.
 *
 * @param name {@code metadata.name}
 * @param namespace {@code metadata.namespace}; empty when unset (the workload's namespace)
 * @param labels {@code metadata.labels}
 * @param annotations {@code metadata.annotations}
 * @param creationTimestamp {@code metadata.creationTimestamp}, used to order conflicting
 *     resources as Istio does (oldest first)
 * @param origin the file and document this resource came from (not a Kubernetes field);
 *     {@link ConfigOrigin#PROGRAMMATIC} for resources built in code, which a mesh names by kind,
 *     namespace and name ({@code VirtualService default/reviews}) once it has validated them
 */
public record ObjectMeta(
    String name,
    String namespace,
    Map<String, String> labels,
    Map<String, String> annotations,
    @Nullable Instant creationTimestamp,
    ConfigOrigin origin) {

  /** The namespace of a resource that names none: the workload's, resolved when applied. */
  public static final String UNSET_NAMESPACE = "";

  public ObjectMeta {
    requireNonNull(name, "name");
    requireNonNull(namespace, "namespace");
    labels = Copies.map(labels);
    annotations = Copies.map(annotations);
    requireNonNull(origin, "origin");
  }

  /** Metadata for a resource built in code. */
  public static ObjectMeta of(String name, String namespace) {
    return new ObjectMeta(name, namespace, Map.of(), Map.of(), null, ConfigOrigin.PROGRAMMATIC);
  }

  /**
   * A builder of metadata: no name, the namespace unset, origin
   * {@link ConfigOrigin#PROGRAMMATIC}. The resource builders ({@code VirtualService.builder(name)}
   * and the like) offer the same methods; this one is for code that handles metadata alone.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this metadata. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.namespace = namespace;
    b.labels.putAll(labels);
    b.annotations.putAll(annotations);
    b.creationTimestamp = creationTimestamp;
    b.origin = origin;
    return b;
  }

  /** {@code namespace/name}, the way Istio names a config in its messages. */
  public String qualifiedName() {
    return namespace + "/" + name;
  }

  /**
   * Builds {@link ObjectMeta}. Labels and annotations accumulate; other setters replace. Not
   * thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private String name = "";
    private String namespace = UNSET_NAMESPACE;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private @Nullable Instant creationTimestamp;
    private ConfigOrigin origin = ConfigOrigin.PROGRAMMATIC;

    private Builder() {}

    /** Sets the name ({@code metadata.name}). */
    public Builder name(String name) {
      this.name = requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the namespace ({@code metadata.namespace}); unset or empty means the namespace of the
     * workload the configuration is applied to.
     */
    public Builder namespace(String namespace) {
      this.namespace = requireNonNull(namespace, "namespace");
      return this;
    }

    /** Adds a label ({@code metadata.labels}). */
    public Builder label(String name, String value) {
      labels.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    /** Adds labels ({@code metadata.labels}). */
    public Builder labels(Map<String, String> labels) {
      Builders.putAll(this.labels, labels, "labels");
      return this;
    }

    /** Adds an annotation ({@code metadata.annotations}). */
    public Builder annotation(String name, String value) {
      annotations.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    /** Adds annotations ({@code metadata.annotations}). */
    public Builder annotations(Map<String, String> annotations) {
      Builders.putAll(this.annotations, annotations, "annotations");
      return this;
    }

    /**
     * Sets the creation time ({@code metadata.creationTimestamp}), which orders conflicting
     * resources as Istio does (oldest first).
     */
    public Builder creationTimestamp(Instant creationTimestamp) {
      this.creationTimestamp = requireNonNull(creationTimestamp, "creationTimestamp");
      return this;
    }

    /** Sets where the resource came from, named in config problems; default programmatic. */
    public Builder origin(ConfigOrigin origin) {
      this.origin = requireNonNull(origin, "origin");
      return this;
    }

    /** The metadata as set so far. */
    public ObjectMeta build() {
      return new ObjectMeta(name, namespace, labels, annotations, creationTimestamp, origin);
    }

    /** Replaces everything with {@code metadata}'s values (for the resource builders). */
    void reset(ObjectMeta metadata) {
      name = metadata.name;
      namespace = metadata.namespace;
      labels.clear();
      labels.putAll(metadata.labels);
      annotations.clear();
      annotations.putAll(metadata.annotations);
      creationTimestamp = metadata.creationTimestamp;
      origin = metadata.origin;
    }
  }
}
