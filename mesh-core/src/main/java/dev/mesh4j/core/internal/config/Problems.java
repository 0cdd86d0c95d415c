package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.ConfigProblem.Severity;
import dev.mesh4j.api.config.MeshConfigException;
import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one load. Not thread-safe: one load runs on one thread. */
public final class Problems {
  private final List<ConfigProblem> list = new ArrayList<>();

  public void error(ConfigOrigin origin, String path, String message) {
    list.add(new ConfigProblem(Severity.ERROR, origin, path, message));
  }

  public void warn(ConfigOrigin origin, String path, String message) {
    list.add(new ConfigProblem(Severity.WARNING, origin, path, message));
  }

  public void add(ConfigProblem problem) {
    list.add(problem);
  }

  public boolean hasErrors() {
    for (ConfigProblem p : list) {
      if (p.isError()) {
        return true;
      }
    }
    return false;
  }

  public List<ConfigProblem> all() {
    return List.copyOf(list);
  }

  public List<ConfigProblem> warnings() {
    return list.stream().filter(p -> !p.isError()).toList();
  }

  /** Throws a {@link MeshConfigException} listing every problem if any is an error. */
  public void throwIfErrors() {
    if (hasErrors()) {
      List<ConfigProblem> sorted = new ArrayList<>(list.stream().filter(ConfigProblem::isError).toList());
      sorted.addAll(warnings());
      throw new MeshConfigException(sorted);
    }
  }
}
