package dev.mesh4j.core.internal.common;

import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.ConfigProblem.Severity;
import dev.mesh4j.api.config.MeshConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the problems of one load. Not thread-safe: one load runs on one thread.
 *
 * <p>Messages quote config text through {@link Quoting}; as a backstop, every path and message
 * recorded here is escaped once more and a message longer than {@link #MAX_MESSAGE} characters is
 * cut, so that no value from a manifest can forge a log line or flood a log.
 */
public final class Problems {
  /** The longest message recorded; longer ones are cut with a marker. */
  static final int MAX_MESSAGE = 2000;

  private final List<ConfigProblem> list = new ArrayList<>();

  public void error(ConfigOrigin origin, String path, String message) {
    add(new ConfigProblem(Severity.ERROR, origin, path, message));
  }

  public void warn(ConfigOrigin origin, String path, String message) {
    add(new ConfigProblem(Severity.WARNING, origin, path, message));
  }

  public void add(ConfigProblem problem) {
    String path = Quoting.escapeControls(problem.path());
    String message = Quoting.escapeControls(problem.message());
    if (message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "… (message of " + message.length() + " characters cut)";
    }
    String source = Quoting.escapeControls(problem.origin().source());
    list.add(path.equals(problem.path()) && message.equals(problem.message())
            && source.equals(problem.origin().source())
        ? problem
        : new ConfigProblem(problem.severity(), new ConfigOrigin(source, problem.origin().document()), path, message));
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
