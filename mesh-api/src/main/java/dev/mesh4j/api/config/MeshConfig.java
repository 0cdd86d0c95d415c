package dev.mesh4j.api.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole, validated configuration: every resource mesh4j read, in load order, and the warnings
 * found while reading it. Immutable.
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
    return java.util.ServiceLoader.load(dev.mesh4j.api.spi.ManifestDecoder.class, MeshConfig.class.getClassLoader())
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
}
