package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A whole configuration: every resource mesh4j read or was given, in load order, and the
 * warnings found while reading it. Immutable.
 *
 * <p>The YAML loader produces a validated one. Built in code, it is not validated yet: the mesh
 * validates it when it is applied, as it validates YAML, and rejects it with a
 * {@link MeshConfigException} listing every problem.
 *
 * <pre>{@code
 * MeshConfig config = MeshConfig.builder()
 *     .add(VirtualService.builder("reviews")
 *         .hosts("reviews")
 *         .http(HttpRoute.builder().route(Destination.of("reviews", "v1"))))
 *     .add(DestinationRule.builder("reviews")
 *         .host("reviews")
 *         .subsets(Subset.builder().name("v1").label("version", "v1")))
 *     .build();
 * }</pre>
 *
 * @param resources the resources in load order (which breaks ties between conflicting rules)
 * @param warnings problems that did not reject the configuration
 */
public record MeshConfig(List<IstioResource> resources, List<ConfigProblem> warnings) {

  /** An empty configuration. */
  public static final MeshConfig EMPTY = new MeshConfig(List.of(), List.of());

  public MeshConfig {
    resources = Copies.list(resources);
    warnings = Copies.list(warnings);
  }

  /** A builder of a configuration that, until given resources, is empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this configuration's resources and warnings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.resources.addAll(resources);
    b.warnings.addAll(warnings);
    return b;
  }

  /** The resources of one kind, in load order. */
  public <T extends IstioResource> List<T> all(Class<T> kind) {
    List<T> out = new ArrayList<>();
    for (IstioResource r : resources) {
      if (kind.isInstance(r)) {
        out.add(kind.cast(r));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Reads Istio manifests — one or more YAML (or JSON) documents, as {@code kubectl apply -f}
   * reads a file — into a configuration, validated as every mesh4j configuration is. Documents
   * without {@code metadata.namespace} take the namespace of the workload the configuration is
   * applied to. Needs mesh-core on the class path.
   *
   * @throws MeshConfigException listing every problem, if any is an error
   */
  public static MeshConfig fromYaml(String yaml) {
    return fromYaml("<yaml>", yaml);
  }

  /**
   * Reads Istio manifests, naming them {@code name} in problems ({@code name#2 spec.hosts: …}).
   *
   * @throws MeshConfigException listing every problem, if any is an error
   */
  public static MeshConfig fromYaml(String name, String yaml) {
    java.util.Objects.requireNonNull(name, "name");
    java.util.Objects.requireNonNull(yaml, "yaml");
    return java.util.ServiceLoader.load(ManifestDecoder.class, MeshConfig.class.getClassLoader())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(
            "MeshConfig.fromYaml needs mesh-core (dev.mesh4j:mesh-core) on the class path to read YAML"))
        .decode(name, yaml);
  }

  /** This configuration followed by another's resources and warnings. */
  public MeshConfig plus(MeshConfig other) {
    List<IstioResource> r = new ArrayList<>(resources);
    r.addAll(other.resources);
    List<ConfigProblem> w = new ArrayList<>(warnings);
    w.addAll(other.warnings);
    return new MeshConfig(r, w);
  }

  /**
   * Builds a {@link MeshConfig}. Resources keep the order they are added in, which breaks ties
   * between conflicting rules as file order does. No validation: the mesh validates the
   * configuration when it is applied. Not thread-safe; {@link #build()} may be called again.
   */
  public static final class Builder {
    private final List<IstioResource> resources = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    private Builder() {}

    /** Adds resources, after those added before. */
    public Builder add(IstioResource... resources) {
      Builders.addAll(this.resources, resources, "resources");
      return this;
    }

    /** Adds resources, built now, after those added before. */
    public Builder add(IstioResource.ResourceBuilder<?>... resources) {
      requireNonNull(resources, "resources");
      for (IstioResource.ResourceBuilder<?> r : resources) {
        this.resources.add(requireNonNull(r, "resources").build());
      }
      return this;
    }

    /** Adds resources, after those added before. */
    public Builder addAll(Collection<? extends IstioResource> resources) {
      Builders.addAll(this.resources, resources, "resources");
      return this;
    }

    /** Adds a warning, a problem that does not reject the configuration. */
    public Builder warning(ConfigProblem warning) {
      warnings.add(requireNonNull(warning, "warning"));
      return this;
    }

    /** The configuration as set so far. */
    public MeshConfig build() {
      return new MeshConfig(resources, warnings);
    }
  }
}
