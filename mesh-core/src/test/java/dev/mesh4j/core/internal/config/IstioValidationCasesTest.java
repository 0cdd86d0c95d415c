package dev.mesh4j.core.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs Istio's own validation test tables (ported to YAML in
 * {@code istio-validation/cases.yaml}, see its header) through {@link ConfigLoader}: what Istio
 * rejects, mesh4j rejects with an error at the same field; what Istio accepts, mesh4j loads; where
 * Istio warns, mesh4j warns at that field.
 *
 * <p>A case Istio accepts and mesh4j refuses on purpose (a value a client cannot send or substitute,
 * which Envoy would use or send as written) carries {@code mesh4jRefuses: true} and mesh4j's
 * {@code message:}: mesh4j must refuse it, with that message, at the case's field.
 *
 * <p>A case mesh4j does not check carries a {@code skip:} reason. It still runs (the loader must
 * not fail in any other way than a {@link MeshConfigException}) and is then reported as skipped,
 * with its reason, in the test report and in the summary printed after the class.
 */
class IstioValidationCasesTest {

  /** One case of cases.yaml. */
  record Case(String name, String source, String kind, @Nullable String namespace, String spec,
      boolean valid, boolean warning, @Nullable String errorContains, @Nullable String path,
      @Nullable String skip, @Nullable String message, boolean mesh4jRefuses) {

    @Override
    public String toString() {
      return name;
    }
  }

  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();
  private static final Map<String, AtomicInteger> PASSED = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> SKIPPED = new ConcurrentHashMap<>();
  private static final Map<String, String> SKIP_REASONS = new ConcurrentHashMap<>();

  static List<Case> cases() throws IOException {
    try (InputStream in = IstioValidationCasesTest.class.getResourceAsStream(
        "/istio-validation/cases.yaml")) {
      return List.of(YAML.readValue(in, Case[].class));
    }
  }

  static Stream<Arguments> casesByName() throws IOException {
    return cases().stream().map(c -> Arguments.of(c.name(), c));
  }

  @Test
  void everyCaseIsComplete() throws IOException {
    List<Case> all = cases();
    assertThat(all).hasSize(416);
    assertThat(all.stream().map(Case::name).distinct()).hasSameSizeAs(all);
    for (Case c : all) {
      assertThat(c.skip()).as(c.name()).satisfiesAnyOf(
          s -> assertThat(s).isNull(), s -> assertThat(s).isNotBlank());
      if (!c.valid() || c.warning() || c.mesh4jRefuses()) {
        assertThat(c.path()).as(c.name()).isNotBlank();
      }
      if (c.mesh4jRefuses()) {
        assertThat(c.valid()).as(c.name() + ": mesh4jRefuses marks what Istio accepts").isTrue();
        assertThat(c.message()).as(c.name() + ": why mesh4j refuses it").isNotBlank();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("casesByName")
  void behavesAsIstio(String name, Case c) {
    Outcome outcome = load(c);
    if (c.skip() != null) {
      SKIPPED.computeIfAbsent(c.kind(), k -> new AtomicInteger()).incrementAndGet();
      SKIP_REASONS.put(c.kind() + " | " + name, c.skip());
      Assumptions.abort("skipped: " + c.skip());
    }
    if (!c.valid()) {
      assertThat(outcome.errors()).as("Istio rejects this; mesh4j must too").isNotEmpty();
      assertProblemAt(outcome.errors(), c, "error");
    } else if (c.mesh4jRefuses()) {
      assertThat(outcome.errors()).as("Istio accepts this; mesh4j refuses it on purpose").isNotEmpty();
      assertProblemAt(outcome.errors(), c, "error");
    } else {
      assertThat(outcome.errors()).as("Istio accepts this; mesh4j must load it").isEmpty();
      if (c.warning()) {
        assertProblemAt(outcome.warnings(), c, "warning");
      }
    }
    PASSED.computeIfAbsent(c.kind(), k -> new AtomicInteger()).incrementAndGet();
  }

  @AfterAll
  static void printSummary() {
    Map<String, String> counts = new TreeMap<>();
    for (String kind : List.of("VirtualService", "DestinationRule", "ServiceEntry", "WorkloadEntry",
        "Sidecar")) {
      counts.put(kind, count(PASSED, kind) + " passed, " + count(SKIPPED, kind) + " skipped");
    }
    System.out.println("Istio validation cases: " + counts);
    new TreeMap<>(SKIP_REASONS).forEach((k, v) -> System.out.println("  SKIP " + k + ": " + v));
  }

  private static int count(Map<String, AtomicInteger> m, String kind) {
    AtomicInteger n = m.get(kind);
    return n == null ? 0 : n.get();
  }

  /** The problems of loading a case's manifest. */
  private record Outcome(List<ConfigProblem> errors, List<ConfigProblem> warnings) {}

  private static Outcome load(Case c) {
    String manifest = manifest(c);
    try {
      MeshConfig config = ConfigLoader.load(List.of(ConfigSource.yaml("case.yaml", manifest)),
          "default");
      // A resource mesh4j cannot use (a workload without an address, a unix socket) is
      // dropped, with a warning saying so.
      if (config.resources().isEmpty()) {
        assertThat(config.warnings()).as("why the resource was dropped")
            .anyMatch(w -> w.message().contains("ignored"));
      } else {
        assertThat(config.resources()).as("the case's resource").hasSize(1);
      }
      return new Outcome(List.of(), config.warnings());
    } catch (MeshConfigException e) {
      return new Outcome(e.errors(),
          e.problems().stream().filter(p -> !p.isError()).toList());
    }
  }

  static String manifest(Case c) {
    StringBuilder sb = new StringBuilder()
        .append("apiVersion: networking.istio.io/v1\n")
        .append("kind: ").append(c.kind()).append('\n')
        .append("metadata:\n")
        .append("  name: case\n")
        .append("  namespace: ").append(c.namespace() == null ? "default" : c.namespace())
        .append('\n')
        .append("spec:\n");
    for (String line : c.spec().split("\n", -1)) {
      sb.append("  ").append(line).append('\n');
    }
    return sb.toString();
  }

  /**
   * A problem of the expected severity is about the case's field: at it, or inside it (a map
   * entry or list element of it, which mesh4j can name more precisely than Istio's messages do).
   * Its message contains Istio's wording, or mesh4j's own ({@code message:}) where they differ.
   */
  private static void assertProblemAt(List<ConfigProblem> problems, Case c, String what) {
    String path = c.path();
    if (path == null) {
      return;
    }
    List<ConfigProblem> located = problems.stream().filter(p -> relates(p.path(), path)).toList();
    if (located.isEmpty()) {
      fail("expected a " + what + " at " + path + " (Istio: \"" + c.errorContains() + "\"), got "
          + problems);
    }
    String expected = c.message() != null ? c.message() : c.errorContains();
    if (expected == null) {
      return;
    }
    String needle = expected.toLowerCase(Locale.ROOT);
    boolean worded = located.stream()
        .anyMatch(p -> p.message().toLowerCase(Locale.ROOT).contains(needle));
    if (!worded) {
      fail("the " + what + " at " + path + " should say \"" + expected + "\", got " + located);
    }
  }

  static boolean relates(String actual, String expected) {
    return actual.equals(expected) || (actual.startsWith(expected)
        && (actual.charAt(expected.length()) == '.' || actual.charAt(expected.length()) == '['));
  }
}
