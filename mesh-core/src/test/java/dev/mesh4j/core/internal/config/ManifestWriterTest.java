package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Durations;
import dev.mesh4j.core.internal.common.Problems;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.StringMatch;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ManifestWriter} writes every resource so that its decoder reads it back equal: every
 * resource of every manifest the project loads, and hand-built resources that between them set
 * every field of every record ({@link ModelSamples}). Equality holds origin aside: a resource read
 * back names where it was read from.
 */
class ManifestWriterTest {

  /** Loaded resources whose manifests hold more than the model keeps, for the summary. */
  private static final Set<String> LOSSY = new TreeSet<>();

  /**
   * Every resource read from a manifest reads back equal from the manifest written for it. Its
   * problems are those of a valid resource, unless its document held what the model does not keep
   * (a TCP route, a Sidecar's ingress, a value mesh4j ignores with a warning): then the resource
   * is what mesh4j kept of it, and may be incomplete on its own (a VirtualService with only TCP
   * routes has no routes left).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.mesh4j.core.internal.config.BuilderRoundTripTest#manifests")
  void everyLoadedResourceReadsBackFromItsManifest(String name, ConfigSource source,
      boolean mayBeRejected) {
    Problems ignored = new Problems();
    for (ConfigSource.SourceText text : source.read(ignored)) {
      Map<ConfigOrigin, JsonNode> documents = new HashMap<>();
      ManifestParser.parse(text, ignored).forEach(doc -> documents.put(doc.origin(), doc.json()));
      for (ManifestReader.Decoded doc : ManifestReader.read(text, "default")) {
        if (doc.hasErrors()) {
          assertThat(mayBeRejected).as("%s is rejected: %s", name, doc.problems()).isTrue();
          continue;
        }
        for (IstioResource r : doc.resources()) {
          ObjectNode written = ManifestWriter.write(r);
          ManifestReader.Decoded d = ManifestReader.validate(r, "default");

          // Not a PROGRAMMATIC resource: it is read back under its own origin.
          assertThat(d.resources()).containsExactly(r);
          String lossy = lossy(documents.get(doc.origin()), doc.problems(), written);
          if (lossy != null) {
            LOSSY.add(name + ": " + r.kind() + " " + r.metadata().name() + " (" + lossy + ")");
          } else {
            assertThat(d.problems()).as(r.kind() + " " + r.metadata().name() + " written as\n"
                + yaml(written)).noneMatch(ConfigProblem::isError);
          }
        }
      }
    }
  }

  /**
   * Why a document holds more than the model keeps: fields outside the model, or a value mesh4j
   * read, warned about and left out (a problem about a field the document has and the written
   * manifest has not; an empty list is the same as none). Null when it holds nothing more.
   */
  private static @Nullable String lossy(JsonNode document, List<ConfigProblem> problems,
      JsonNode written) {
    List<JsonNode> items = new ArrayList<>();
    if (document.path("kind").asText().equals("List")) {
      document.path("items").forEach(items::add);
    } else {
      items.add(document);
    }
    for (JsonNode item : items) {
      Set<String> unmodelled = ModelVocabulary.unmodelledFields(item);
      if (!unmodelled.isEmpty()) {
        return "not in the model: " + unmodelled;
      }
    }
    for (ConfigProblem p : problems) {
      List<ModelVocabulary.Step> steps = ModelVocabulary.steps(p.path());
      JsonNode given = ModelVocabulary.at(document, steps, steps.size());
      if (!p.path().isEmpty() && !given.isMissingNode() && !(given.isArray() && given.isEmpty())
          && ModelVocabulary.at(written, steps, steps.size()).isMissingNode()) {
        return "left out: " + p.path() + ": " + p.message();
      }
    }
    return null;
  }

  @AfterAll
  static void printLossy() {
    System.out.println("Loaded resources holding more than the model keeps (" + LOSSY.size() + "):");
    LOSSY.forEach(l -> System.out.println("  " + l));
  }

  @Test
  void handBuiltResourcesSettingEveryFieldReadBackFromTheirManifests() {
    for (IstioResource r : ModelSamples.all()) {
      ManifestReader.Decoded d = ManifestReader.validate(r, "");

      assertThat(d.problems()).as(r.kind() + " " + r.metadata().name() + " written as\n"
          + yaml(ManifestWriter.write(r))).noneMatch(ConfigProblem::isError);
      assertThat(d.resources()).hasSize(1);
      assertThat(d.resources().get(0).toBuilder().origin(ConfigOrigin.PROGRAMMATIC).build())
          .as(r.kind() + " " + r.metadata().name()).isEqualTo(r);
    }
  }

  @Test
  void theSamplesSetEveryFieldOfEveryRecord() {
    Set<String> unset = new TreeSet<>();
    Set<String> seen = new LinkedHashSet<>();
    Set<StringMatch.Kind> kinds = EnumSet.noneOf(StringMatch.Kind.class);
    for (IstioResource r : ModelSamples.all()) {
      walk(r, seen, unset, kinds);
    }
    unset.removeAll(seen);
    assertThat(unset).as("record fields no sample sets").isEmpty();
    assertThat(kinds).as("StringMatch kinds written").containsExactlyInAnyOrder(
        StringMatch.Kind.values());
  }

  /** Records, per record field, whether some sample sets it (non-null, non-empty, true). */
  private static void walk(Object value, Set<String> seen, Set<String> unset,
      Set<StringMatch.Kind> kinds) {
    if (value instanceof Collection<?> c) {
      c.forEach(e -> walk(e, seen, unset, kinds));
      return;
    }
    if (value instanceof Map<?, ?> m) {
      m.values().forEach(e -> walk(e, seen, unset, kinds));
      return;
    }
    if (value instanceof StringMatch sm) {
      kinds.add(sm.kind());
    }
    if (value == null || !value.getClass().isRecord() || value instanceof ConfigOrigin) {
      return;
    }
    for (RecordComponent rc : value.getClass().getRecordComponents()) {
      Object v;
      try {
        v = rc.getAccessor().invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
      String field = value.getClass().getSimpleName() + "." + rc.getName();
      boolean set = v != null && !Boolean.FALSE.equals(v)
          && !(v instanceof Collection<?> c && c.isEmpty()) && !(v instanceof Map<?, ?> m && m.isEmpty())
          && !(v instanceof Record r && isEmptyHeaders(r));
      (set ? seen : unset).add(field);
      walk(v, seen, unset, kinds);
    }
  }

  private static boolean isEmptyHeaders(Record r) {
    return r instanceof dev.mesh4j.api.config.Headers h && h.isEmpty()
        || r instanceof dev.mesh4j.api.config.HeaderOperations o && o.isEmpty();
  }

  @Test
  void durationsAreWrittenAsIstioWritesThemAndReadBackExactly() {
    assertThat(ManifestWriter.duration(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(ManifestWriter.duration(Duration.ofMillis(200))).isEqualTo("200ms");
    assertThat(ManifestWriter.duration(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(ManifestWriter.duration(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(ManifestWriter.duration(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(ManifestWriter.duration(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(ManifestWriter.duration(Duration.ZERO)).isEqualTo("0s");
    assertThat(ManifestWriter.duration(Duration.ofNanos(500_000))).isEqualTo("0.0005s");
    assertThat(ManifestWriter.duration(Duration.ofSeconds(3, 42))).isEqualTo("3.000000042s");
    assertThat(ManifestWriter.duration(Duration.ofMillis(-1500))).isEqualTo("-1.5s");
    for (Duration d : List.of(Duration.ofMillis(1500), Duration.ofNanos(1), Duration.ofSeconds(-3, 7),
        Duration.ofDays(3).plusNanos(999_999_999), Duration.ofMinutes(61), Duration.ofMillis(999))) {
      assertThat(Durations.parse(ManifestWriter.duration(d))).as(d.toString()).isEqualTo(d);
    }
  }

  @Test
  void foldedShapesAreWrittenInTheirCurrentIstioSpelling() {
    JsonNode vs = ManifestWriter.write(ModelSamples.reviewsVirtualService());
    JsonNode primary = vs.at("/spec/http/0");

    assertThat(vs.get("apiVersion").asText()).isEqualTo("networking.istio.io/v1");
    assertThat(vs.at("/metadata/namespace").asText()).isEqualTo("prod");
    assertThat(vs.at("/metadata/creationTimestamp").asText()).isEqualTo("2024-01-02T15:04:05Z");
    // mirror + mirrorPercentage and mirrors are one list in the model: written as mirrors.
    assertThat(primary.has("mirror")).isFalse();
    assertThat(primary.at("/mirrors/0/percentage/value").asDouble()).isEqualTo(12.5);
    assertThat(primary.at("/mirrors/1").has("percentage")).as("100% is Istio's default").isFalse();
    assertThat(primary.at("/fault/delay/fixedDelay").asText()).isEqualTo("7s");
    assertThat(primary.at("/fault/delay/percentage/value").asDouble()).isEqualTo(0.5);
    assertThat(primary.at("/match/0/headers/x-present").isObject()).isTrue();
    assertThat(primary.at("/match/0/headers/x-present").isEmpty()).as("present: {}").isTrue();
    assertThat(vs.at("/spec/http/4/directResponse/body/bytes").asText())
        .as("the record keeps the base64 of body.bytes").isEqualTo("dW5hdmFpbGFibGUK");

    JsonNode dr = ManifestWriter.write(ModelSamples.reviewsDestinationRule());
    assertThat(dr.at("/spec/trafficPolicy/loadBalancer/consistentHash/ringHash/minimumRingSize")
        .asLong()).isEqualTo(2048);
    assertThat(dr.at("/spec/trafficPolicy/loadBalancer/localityLbSetting").isObject()).isTrue();
    assertThat(dr.at("/spec/trafficPolicy/portLevelSettings/0/port/number").asInt()).isEqualTo(9080);
    assertThat(dr.at("/spec/trafficPolicy/portLevelSettings/0/loadBalancer/consistentHash/maglev/tableSize")
        .asLong()).isEqualTo(65537);

    JsonNode delegate = ManifestWriter.write(ModelSamples.delegateVirtualService());
    assertThat(delegate.at("/metadata").has("namespace")).as("unset: the workload's").isFalse();
    JsonNode sidecar = ManifestWriter.write(ModelSamples.sidecar());
    assertThat(sidecar.at("/spec/egress/0/hosts").toString()).isEqualTo("[\"./*\",\"istio-system/*\"]");
    assertThat(sidecar.at("/spec/egress/0").has("port")).isFalse();
  }

  static String yaml(ObjectNode manifest) {
    try {
      return new YAMLMapper().writeValueAsString(manifest);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }
}
