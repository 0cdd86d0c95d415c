package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.core.internal.config.ConfigSource.SourceText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads sources into a validated {@link MeshConfig}, or fails with every problem at once.
 * Stateless and thread-safe.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Reads and validates every source, as {@code kubectl apply -f} reads files: documents in order,
   * and a later document with the same kind, namespace and name replaces the earlier one (a
   * warning says so).
   *
   * @param defaultNamespace the namespace of documents that name none (the workload's)
   * @throws MeshConfigException listing every problem, if any is an error
   */
  public static MeshConfig load(List<ConfigSource> sources, String defaultNamespace) {
    Problems problems = new Problems();
    Map<String, IstioResource> resources = new LinkedHashMap<>();
    for (ConfigSource source : sources) {
      for (SourceText text : source.read(problems)) {
        for (ManifestReader.Decoded d : ManifestReader.read(text, defaultNamespace)) {
          d.problems().forEach(problems::add);
          for (IstioResource r : d.resources()) {
            put(resources, r, problems);
          }
        }
      }
    }
    problems.throwIfErrors();
    return new MeshConfig(List.copyOf(resources.values()), problems.warnings());
  }

  /**
   * Adds a resource; one of the same kind, namespace and name read before is replaced, keeping
   * its place in load order, with a warning naming both.
   */
  public static void put(Map<String, IstioResource> resources, IstioResource r, Problems problems) {
    String key = r.kind() + " " + r.metadata().qualifiedName();
    IstioResource earlier = resources.put(key, r);
    if (earlier != null) {
      problems.warn(r.metadata().origin(), "metadata.name", key + " replaces the one defined in "
          + earlier.metadata().origin() + ", as a later kubectl apply would");
    }
  }

  /**
   * A fingerprint of what the sources hold now (names and contents), to tell whether a reload
   * would read anything new. Unreadable sources count as their error.
   */
  public static long fingerprint(List<ConfigSource> sources) {
    Problems ignored = new Problems();
    long h = 1125899906842597L;
    for (ConfigSource source : sources) {
      for (SourceText text : source.read(ignored)) {
        h = 31 * h + text.name().hashCode();
        h = 31 * h + text.text().hashCode();
      }
    }
    return 31 * h + ignored.all().toString().hashCode();
  }

}
