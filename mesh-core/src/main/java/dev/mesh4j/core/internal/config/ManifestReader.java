package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.core.internal.config.ConfigSource.SourceText;
import dev.mesh4j.core.internal.config.ManifestParser.Document;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a manifest text document by document, keeping each document's resources and problems
 * together, so that a caller can accept or reject documents one by one (a watched control plane)
 * or the text as a whole (a file). Stateless and thread-safe.
 */
public final class ManifestReader {
  private ManifestReader() {}

  /**
   * One document of a text: what it decoded to (several resources for a {@code v1 List}, none
   * for a kind mesh4j does not read or a document that failed) and its problems.
   */
  public record Decoded(ConfigOrigin origin, List<IstioResource> resources, List<ConfigProblem> problems) {
    public Decoded {
      resources = List.copyOf(resources);
      problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
      return problems.stream().anyMatch(ConfigProblem::isError);
    }
  }

  /**
   * Reads every document of a text, in order.
   *
   * @param defaultNamespace the namespace of documents that name none; empty leaves it unset
   */
  public static List<Decoded> read(SourceText text, String defaultNamespace) {
    Problems parse = new Problems();
    List<Document> documents = ManifestParser.parse(text, parse);
    // Documents that failed to parse have only problems; keep them in document order.
    Map<ConfigOrigin, List<ConfigProblem>> parseProblems = new LinkedHashMap<>();
    for (ConfigProblem p : parse.all()) {
      parseProblems.computeIfAbsent(p.origin(), o -> new ArrayList<>()).add(p);
    }
    List<Decoded> out = new ArrayList<>();
    for (Document d : documents) {
      List<ConfigProblem> failed = parseProblems.remove(d.origin());
      Problems problems = new Problems();
      if (failed != null) {
        failed.forEach(problems::add);
      }
      Node root = Node.root(d.json(), d.origin(), problems);
      List<IstioResource> resources = new ArrayList<>();
      ResourceDecoder.decode(root, defaultNamespace, resources::add);
      root.reportUnknownFields();
      out.add(new Decoded(d.origin(), resources, problems.all()));
    }
    parseProblems.forEach((origin, problems) -> out.add(new Decoded(origin, List.of(), problems)));
    out.sort((a, b) -> Integer.compare(a.origin().document(), b.origin().document()));
    return out;
  }
}
