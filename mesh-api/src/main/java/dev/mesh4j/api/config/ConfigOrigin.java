package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

/**
 * Where configuration came from: a source name (file path, classpath resource, {@code <yaml>} for
 * a string, or the kind and name of a resource built in code) and the 1-based index of the
 * document in that source, or 0 when the source is not a sequence of documents.
 *
 * <p>Rendered as {@code reviews.yaml#2} (a document of a file) or as the bare source name
 * ({@code VirtualService default/reviews}, a resource built in code): the prefix of every config
 * problem.
 *
 * @param source the file path, resource name or other label of the source
 * @param document the 1-based position of the document in a multi-document source; 0 when the
 *     source has no documents
 */
public record ConfigOrigin(String source, int document) {

  /** The origin of values built in code rather than read from a document. */
  public static final ConfigOrigin PROGRAMMATIC = new ConfigOrigin("<programmatic>", 1);

  public ConfigOrigin {
    requireNonNull(source, "source");
    if (document < 0) {
      throw new IllegalArgumentException("document: " + document + " (expected: >= 0)");
    }
  }

  /**
   * An origin without documents, rendered as {@code source} alone: for example
   * {@code ConfigOrigin.of("VirtualService default/reviews")} for a resource built in code.
   */
  public static ConfigOrigin of(String source) {
    return new ConfigOrigin(source, 0);
  }

  @Override
  public String toString() {
    return document == 0 ? source : source + "#" + document;
  }
}
