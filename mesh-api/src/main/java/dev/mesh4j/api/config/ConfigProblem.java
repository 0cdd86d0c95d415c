package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong (or suspicious) in the configuration, located precisely enough to fix it.
 *
 * <p>{@link #toString()} renders {@code file#doc field.path: message}, for example
 * {@code reviews.yaml#2 spec.http[1].route[0].weight: weight -5 < 0}; for a resource built in
 * code, its kind, namespace and name stand for the file:
 * {@code VirtualService default/reviews spec.http[1].route[0].weight: weight -5 < 0}.
 *
 * @param severity whether the problem rejects the configuration or only deserves attention
 * @param origin the file and document the problem is in, or the resource built in code
 * @param path the field path inside the document, e.g. {@code spec.http[1].route[0].weight};
 *     empty when the problem concerns the whole document
 * @param message what is wrong, including the offending value where that helps
 */
public record ConfigProblem(Severity severity, ConfigOrigin origin, String path, String message) {

  /** How serious a problem is. */
  public enum Severity {
    /** The configuration is rejected. */
    ERROR,
    /** The configuration loads, but probably does not do what its author meant. */
    WARNING
  }

  public ConfigProblem {
    requireNonNull(severity, "severity");
    requireNonNull(origin, "origin");
    requireNonNull(path, "path");
    requireNonNull(message, "message");
  }

  /** Whether this problem rejects the configuration. */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  @Override
  public String toString() {
    return path.isEmpty() ? origin + ": " + message : origin + " " + path + ": " + message;
  }
}
