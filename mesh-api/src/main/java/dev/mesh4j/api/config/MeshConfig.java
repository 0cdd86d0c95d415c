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

  /** This configuration followed by another's resources and warnings. */
  public MeshConfig plus(MeshConfig other) {
    List<IstioResource> r = new ArrayList<>(resources);
    r.addAll(other.resources);
    List<ConfigProblem> w = new ArrayList<>(warnings);
    w.addAll(other.warnings);
    return new MeshConfig(r, w);
  }
}
