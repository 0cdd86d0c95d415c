package dev.mesh4j.api.config;

import java.util.List;

/**
 * A configuration was rejected. Carries every problem found in one pass, not only the first,
 * so that a user can fix them all at once.
 *
 * <p>The message lists one problem per line as {@code file#doc field.path: message}. When a
 * reload is rejected, the configuration that was serving keeps serving.
 */
public final class MeshConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  /**
   * Creates an exception for the given problems; at least one must be an error.
   *
   * @param problems the problems found, errors and warnings, in the order found
   */
  public MeshConfigException(List<ConfigProblem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  /** All problems found (errors first in the order found, then warnings). */
  public List<ConfigProblem> problems() {
    return problems;
  }

  /** Only the problems that rejected the configuration. */
  public List<ConfigProblem> errors() {
    return problems.stream().filter(ConfigProblem::isError).toList();
  }

  private static String render(List<ConfigProblem> problems) {
    List<ConfigProblem> errors = problems.stream().filter(ConfigProblem::isError).toList();
    StringBuilder sb = new StringBuilder();
    sb.append("invalid mesh configuration (").append(errors.size())
        .append(errors.size() == 1 ? " error" : " errors").append(")");
    for (ConfigProblem p : errors) {
      sb.append("\n  ").append(p);
    }
    return sb.toString();
  }
}
