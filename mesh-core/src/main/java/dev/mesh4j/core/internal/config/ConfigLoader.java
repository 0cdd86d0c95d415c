package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.core.internal.config.ConfigSource.SourceText;
import dev.mesh4j.core.internal.config.ManifestParser.Document;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads sources into a validated {@link MeshConfig}, or fails with every problem at once.
 * Stateless and thread-safe.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Reads and validates every source.
   *
   * @param defaultNamespace the namespace of documents that name none (the workload's)
   * @throws MeshConfigException listing every problem, if any is an error
   */
  public static MeshConfig load(List<ConfigSource> sources, String defaultNamespace) {
    Problems problems = new Problems();
    List<IstioResource> resources = new ArrayList<>();
    for (ConfigSource source : sources) {
      for (SourceText text : source.read(problems)) {
        for (Document d : ManifestParser.parse(text, problems)) {
          Node root = Node.root(d.json(), d.origin(), problems);
          ResourceDecoder.decode(root, defaultNamespace, resources::add);
          root.reportUnknownFields();
        }
      }
    }
    checkDuplicates(resources, problems);
    problems.throwIfErrors();
    return new MeshConfig(resources, problems.warnings());
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

  /** Two resources of one kind with one namespace/name: one would silently replace the other. */
  private static void checkDuplicates(List<IstioResource> resources, Problems problems) {
    Map<String, IstioResource> seen = new HashMap<>();
    for (IstioResource r : resources) {
      String key = r.kind() + " " + r.metadata().qualifiedName();
      IstioResource first = seen.putIfAbsent(key, r);
      if (first != null) {
        problems.error(r.metadata().origin(), "metadata.name", "duplicate " + key
            + " (also defined in " + first.metadata().origin() + ")");
      }
    }
  }
}
