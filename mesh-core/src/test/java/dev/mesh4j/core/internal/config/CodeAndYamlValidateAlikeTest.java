package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Problems;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.internal.config.ConfigSource.SourceText;
import dev.mesh4j.core.internal.config.ModelVocabulary.Step;
import dev.mesh4j.core.internal.source.CodeSource;
import dev.mesh4j.core.internal.source.SourceHub;
import dev.mesh4j.core.internal.source.SourceState;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A resource built in code gets the same problems, at the same field paths, as the same resource
 * written in YAML — proven over every case of Istio's validation tables
 * ({@code istio-validation/cases.yaml}, 416 cases).
 *
 * <p>For each case, the YAML path decodes the case's manifest. The code path takes the resource
 * that decoding produced (decoders keep what was written, invalid values included), marks it as
 * built in code ({@link ConfigOrigin#PROGRAMMATIC}) and hands it to a mesh's {@link SourceHub}
 * as a {@link SourceUpdate.Resource} change, as {@code Mesh.builder().config(...)} does. Both must
 * report the same problems: same severity, same field path, same message.
 *
 * <p>A case whose YAML says something a resource built in code cannot say is excluded, with its
 * reason, derived from the case's problems and manifests (never from its name):
 * <ul>
 *   <li>{@link Reason#NO_RECORD}: the decoder keeps no resource (a WorkloadEntry mesh4j ignores);
 *   <li>{@link Reason#TYPE}: a value the model's types cannot hold ({@code weight: "abc"}, an
 *       out-of-range uint32, an enum name the model lacks, an unparseable duration);
 *   <li>{@link Reason#NULL}: an explicit null ({@code headers: {x: null}});
 *   <li>{@link Reason#NOT_MODELLED}: a field the model does not keep (CORS, a Sidecar's ingress, the deprecated {@code mirrorPercent} and {@code minimumRingSize},
 *       {@code zoneAwareLbSetting}), or a problem about one reported on its parent (a message
 *       naming a field the written manifest does not have, e.g. "cannot contain both mirror and
 *       mirrors", whose model is one list);
 *   <li>{@link Reason#UNREAD}: a value the decoder does not read (its fields are reported as
 *       unknown), so the resource does not hold it;
 *   <li>{@link Reason#MERGED}: list entries the model keeps as one (a Sidecar's egress listeners);
 *   <li>{@link Reason#MISSING}: a problem about a field the case leaves out and a resource cannot
 *       be without (a route without a destination, a warmup without a duration);
 *   <li>{@link Reason#EMPTY}: an empty value the model reads as unset ({@code workloadSelector: {}},
 *       {@code hosts: []});
 *   <li>{@link Reason#IGNORED}: a value mesh4j reads, warns about and leaves out of the resource
 *       (a unix socket endpoint, an abort without a status).
 * </ul>
 * Every other case must match exactly: 331 cases do (TLS and TCP routes among them). 85 cases are
 * excluded ({@link #EXCLUDED}): 53 not modelled, 6 without a record, 6 unread, 6 missing, 5 ignored, 4 merged, 3 empty, 1 type,
 * 1 null. Most are the parts a client does not apply (CORS, Sidecar ingress and
 * listener ports, zone-aware balancing); the list is printed after the test.
 */
class CodeAndYamlValidateAlikeTest {

  /** The cases a resource built in code cannot express, by the reasons above. */
  static final int EXCLUDED = 85;

  /** The excluded cases by reason, as the class Javadoc states them. */
  private static final Map<Reason, Integer> BY_REASON = Map.of(Reason.NOT_MODELLED, 53,
      Reason.NO_RECORD, 6, Reason.UNREAD, 6, Reason.MISSING, 6, Reason.IGNORED, 5, Reason.MERGED, 4,
      Reason.EMPTY, 3, Reason.TYPE, 1, Reason.NULL, 1);

  enum Reason { NO_RECORD, TYPE, NULL, NOT_MODELLED, UNREAD, MERGED, MISSING, EMPTY, IGNORED }

  /** Node's messages for a value that cannot be read as the field's type. */
  private static final Pattern TYPE_ERROR = Pattern.compile("expected a .*|unknown value .*"
      + "|must not be negative \\(-?\\d+\\)|must be -?\\d+\\.\\.-?\\d+ \\(-?\\d+\\)"
      + "|must be at least -?\\d+ \\(-?\\d+\\)|invalid duration .*");
  private static final String UNKNOWN_FIELD = "unknown field (ignored)";

  /** A problem without its origin: what both paths must agree on. */
  record Found(ConfigProblem.Severity severity, String path, String message) {
    static Found of(ConfigProblem p) {
      return new Found(p.severity(), p.path(), p.message());
    }

    @Override
    public String toString() {
      return severity + " " + path + ": " + message;
    }
  }

  @Test
  void everyIstioValidationCaseReportsTheSameProblemsFromYamlAndFromCode() throws IOException {
    Map<Reason, List<String>> excluded = new EnumMap<>(Reason.class);
    List<String> mismatches = new ArrayList<>();
    int matched = 0;
    for (IstioValidationCasesTest.Case c : IstioValidationCasesTest.cases()) {
      SourceText text = new SourceText("case.yaml", IstioValidationCasesTest.manifest(c), false);
      JsonNode document = ManifestParser.parse(text, new Problems()).get(0).json();
      ManifestReader.Decoded yaml = ManifestReader.read(text, "default").get(0);
      if (yaml.resources().isEmpty()) {
        excluded.computeIfAbsent(Reason.NO_RECORD, r -> new ArrayList<>()).add(c.name());
        continue;
      }
      IstioResource built = yaml.resources().get(0).toBuilder()
          .origin(ConfigOrigin.PROGRAMMATIC).build();
      List<ConfigProblem> code = validateAsBuilt(built);
      ConfigOrigin named = ConfigOrigin.of(built.kind() + " " + built.metadata().qualifiedName());
      assertThat(code).as(c.name()).allMatch(p -> p.origin().equals(named));

      Reason reason = reason(document, ManifestWriter.write(built), yaml.problems());
      if (reason != null) {
        excluded.computeIfAbsent(reason, r -> new ArrayList<>()).add(c.name());
        continue;
      }
      List<Found> fromYaml = sorted(yaml.problems());
      List<Found> fromCode = sorted(code);
      if (fromYaml.equals(fromCode)) {
        matched++;
      } else {
        mismatches.add(c.name() + "\n    yaml: " + fromYaml + "\n    code: " + fromCode);
      }
    }
    int excludedCount = excluded.values().stream().mapToInt(List::size).sum();
    System.out.println("Istio validation cases, YAML and code: " + matched + " alike, "
        + excludedCount + " not expressible in code");
    excluded.forEach((reason, names) -> System.out.println("  " + reason + " (" + names.size()
        + "): " + names));

    assertThat(mismatches).as("cases whose problems differ").isEmpty();
    assertThat(matched + excludedCount).isEqualTo(IstioValidationCasesTest.cases().size());
    assertThat(excludedCount).as("excluded cases (see the class Javadoc)").isEqualTo(EXCLUDED);
    Map<Reason, Integer> counts = new EnumMap<>(Reason.class);
    excluded.forEach((reason, names) -> counts.put(reason, names.size()));
    assertThat(counts).as("excluded cases by reason").isEqualTo(BY_REASON);
  }

  /** The problems a mesh reports for a resource built in code, as a mesh stages it. */
  private static List<ConfigProblem> validateAsBuilt(IstioResource r) {
    SourceHub hub = new SourceHub(Workload.defaults());
    SourceState code = hub.add(new CodeSource(MeshConfig.EMPTY), Instant.EPOCH);
    return hub.stage(code, SourceUpdate.replaceAll().resource(r).build()).problems();
  }

  private static List<Found> sorted(List<ConfigProblem> problems) {
    return problems.stream().map(Found::of)
        .sorted(Comparator.comparing(Found::toString)).toList();
  }

  /**
   * Why a case cannot be expressed in code, or null when it can: the first reason any of its
   * YAML problems has, else fields of its manifest outside the model.
   */
  private static @Nullable Reason reason(JsonNode document, JsonNode written,
      List<ConfigProblem> problems) {
    Reason found = null;
    for (ConfigProblem p : problems) {
      Reason r = reason(p, document, written, problems);
      if (r != null && (found == null || r.ordinal() < found.ordinal())) {
        found = r;
      }
    }
    if (found == null && !ModelVocabulary.unmodelledFields(document).isEmpty()) {
      found = Reason.NOT_MODELLED;
    }
    return found;
  }

  private static @Nullable Reason reason(ConfigProblem p, JsonNode document, JsonNode written,
      List<ConfigProblem> all) {
    List<Step> steps = ModelVocabulary.steps(p.path());
    JsonNode given = ModelVocabulary.at(document, steps, steps.size());
    JsonNode kept = ModelVocabulary.at(written, steps, steps.size());
    if (p.isError() && TYPE_ERROR.matcher(p.message()).matches()) {
      return Reason.TYPE;
    }
    if (given.isNull()) {
      return Reason.NULL;
    }
    if (p.message().equals(UNKNOWN_FIELD) || all.stream().anyMatch(u ->
        u.message().equals(UNKNOWN_FIELD) && IstioValidationCasesTest.relates(u.path(), p.path()))) {
      return Reason.UNREAD;
    }
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).isIndex()) {
        JsonNode list = ModelVocabulary.at(document, steps, i);
        JsonNode writtenList = ModelVocabulary.at(written, steps, i);
        if (list.isArray() && writtenList.isArray() && list.size() > writtenList.size()) {
          return Reason.MERGED;
        }
      }
    }
    if (!kept.isMissingNode()) {
      return namesFieldLeftOut(p, given, kept) ? Reason.NOT_MODELLED : null;
    }
    // The written manifest lacks the field: find the first step it lacks.
    int first = 0;
    while (!ModelVocabulary.at(written, steps, first + 1).isMissingNode()) {
      first++;
    }
    if (given.isTextual() && ModelVocabulary.isOutsideEnum(
        ModelVocabulary.generalize(document, steps, steps.size()), given.textValue())) {
      return Reason.TYPE;
    }
    if (!steps.get(first).isIndex() && !ModelVocabulary.isModelled(
        ModelVocabulary.generalize(document, steps, first + 1))) {
      return Reason.NOT_MODELLED;
    }
    if (given.isMissingNode() || given.isArray() && given.isEmpty()) {
      // About a field the case leaves out (an empty list is no list): excluded only if the resource could not keep what
      // holds it (a route entry without a destination is not in the model at all).
      return first < steps.size() - 1 ? Reason.MISSING : null;
    }
    if (isEmpty(given)) {
      return Reason.EMPTY;
    }
    return p.isError() ? null : Reason.IGNORED;
  }

  /**
   * A problem reported on a value the written manifest has, about one of its fields the written
   * manifest lacks, which the message names ("mirrorPercentage without mirror has no effect").
   */
  private static boolean namesFieldLeftOut(ConfigProblem p, JsonNode given, JsonNode kept) {
    if (!given.isObject()) {
      return false;
    }
    String message = p.message().toLowerCase(Locale.ROOT).replace("_", "");
    for (var it = given.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!kept.has(f) && !isEmpty(given.get(f)) && message.contains(f.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isEmpty(JsonNode n) {
    return (n.isContainerNode() && n.isEmpty()) || (n.isTextual() && n.textValue().isEmpty())
        || (n.isBoolean() && !n.booleanValue()) || (n.isNumber() && n.doubleValue() == 0);
  }
}
