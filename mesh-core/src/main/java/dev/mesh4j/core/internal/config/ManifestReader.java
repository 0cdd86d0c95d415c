package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Problems;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.core.internal.config.ConfigSource.SourceText;
import dev.mesh4j.core.internal.config.ManifestParser.Document;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a manifest text document by document, keeping each document's resources and problems
 * together, so that a caller can accept or reject documents one by one (a watched control plane)
 * or the text as a whole (a file); validates resources built in code the same way
 * ({@link #validate}). Stateless and thread-safe.
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
      out.add(decode(d.json(), d.origin(), defaultNamespace, problems));
    }
    parseProblems.forEach((origin, problems) -> out.add(new Decoded(origin, List.of(), problems)));
    out.sort((a, b) -> Integer.compare(a.origin().document(), b.origin().document()));
    return out;
  }

  /**
   * Validates a resource built in code exactly as its YAML would be: writes its manifest
   * ({@link ManifestWriter}) and decodes that, so that it gets the same problems, with the same
   * field paths, as the same resource read from a document.
   *
   * <p>Problems are reported under the resource's origin; a resource built in code
   * ({@link ConfigOrigin#PROGRAMMATIC}) is named by its kind, namespace and name instead
   * ({@code VirtualService default/reviews spec.http[0].route[0].weight: weight -5 < 0}). The
   * decoded resource carries that origin, and the namespace filled in when it had none.
   *
   * @param defaultNamespace the namespace of a resource that names none; empty leaves it unset
   */
  public static Decoded validate(IstioResource resource, String defaultNamespace) {
    ConfigOrigin origin = resource.metadata().origin();
    if (origin.equals(ConfigOrigin.PROGRAMMATIC)) {
      ObjectMeta m = resource.metadata();
      String namespace = m.namespace().isEmpty() ? defaultNamespace : m.namespace();
      origin = ConfigOrigin.of(resource.kind() + " "
          + (namespace.isEmpty() ? m.name() : namespace + "/" + m.name()));
    }
    return decode(ManifestWriter.write(resource), origin, defaultNamespace, new Problems());
  }

  private static Decoded decode(JsonNode json, ConfigOrigin origin, String defaultNamespace,
      Problems problems) {
    Node root = Node.root(json, origin, problems);
    List<IstioResource> resources = new ArrayList<>();
    ResourceDecoder.decode(root, defaultNamespace, resources::add);
    root.reportUnknownFields();
    return new Decoded(origin, resources, problems.all());
  }
}
