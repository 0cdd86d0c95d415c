package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

/**
 * Where a document was read from: a source name (file path, classpath resource, or
 * {@code <yaml>} for a string) and the 1-based index of the document in that source.
 *
 * <p>Rendered as {@code reviews.yaml#2}, the prefix of every config problem.
 *
 * @param source the file path, resource name or other label of the source
 * @param document the 1-based position of the document in a multi-document source
 */
public record ConfigOrigin(String source, int document) {

  /** The origin of values built in code rather than read from a document. */
  public static final ConfigOrigin PROGRAMMATIC = new ConfigOrigin("<programmatic>", 1);

  public ConfigOrigin {
    requireNonNull(source, "source");
    if (document < 1) {
      throw new IllegalArgumentException("document: " + document + " (expected: >= 1)");
    }
  }

  @Override
  public String toString() {
    return source + "#" + document;
  }
}
