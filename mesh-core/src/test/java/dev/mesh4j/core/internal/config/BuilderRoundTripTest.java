package dev.mesh4j.core.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every resource the loader produces from the manifests the project's tests load (the Istio
 * corpus, the accepted cases of Istio's validation tables, and the manifests of the other
 * modules) survives {@code toBuilder().build()} unchanged, and so does every value nested in it:
 * a builder carries whatever the decoder can produce, invalid-looking values included.
 */
class BuilderRoundTripTest {

  /** Model types seen in the manifests, to check the round trip reached every kind of value. */
  private static final Set<String> SEEN = new TreeSet<>();

  static Stream<Arguments> manifests() throws IOException, URISyntaxException {
    List<Arguments> out = new ArrayList<>();
    for (Path file : CorpusLoadTest.corpus().toList()) {
      out.add(Arguments.of("istio-samples/" + file.getFileName(), ConfigSource.file(file), false));
    }
    for (IstioValidationCasesTest.Case c : IstioValidationCasesTest.cases()) {
      if (c.valid()) {
        // A case mesh4j does not check (skip) may be rejected although Istio accepts it; one it
        // refuses on purpose is.
        out.add(Arguments.of("istio-validation: " + c.name(),
            ConfigSource.yaml("case.yaml", IstioValidationCasesTest.manifest(c)), c.skip() != null || c.mesh4jRefuses()));
      }
    }
    for (Path file : otherModulesManifests()) {
      // The starter's tests keep deliberately invalid manifests in a folder named invalid.
      out.add(Arguments.of(file.toString(), ConfigSource.file(file),
          file.getParent().getFileName().toString().equals("invalid")));
    }
    return out.stream();
  }

  /**
   * The Istio manifests of the other modules (samples, starter tests, benchmarks); the tests run
   * in mesh-core's folder, next to them.
   */
  static List<Path> otherModulesManifests() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !p.startsWith(Path.of("").toAbsolutePath()))
          .filter(p -> p.toString().contains("/src/") && !p.toString().contains("/target/"))
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .filter(BuilderRoundTripTest::isIstioManifest)
          .sorted()
          .toList();
    }
  }

  private static boolean isIstioManifest(Path p) {
    try {
      return Files.readString(p).contains("networking.istio.io/");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theManifestsOfTheOtherModulesAreFound() throws IOException {
    // Guards the folder walk: the samples and the starter's tests hold Istio manifests.
    assertThat(otherModulesManifests()).extracting(p -> p.getFileName().toString())
        .contains("virtual-service-reviews-canary-10-10-80.yaml", "reviews.yaml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void everyLoadedResourceSurvivesToBuilderBuild(String name, ConfigSource source,
      boolean mayBeRejected) {
    MeshConfig config;
    try {
      config = ConfigLoader.load(List.of(source), "default");
    } catch (MeshConfigException e) {
      // No resource to rebuild; only manifests that are invalid on purpose may get here.
      assertThat(mayBeRejected).as("%s is rejected: %s", name, e.getMessage()).isTrue();
      return;
    }
    for (IstioResource r : config.resources()) {
      IstioResource rebuilt = r.toBuilder().build();

      assertThat(rebuilt).as(r.kind() + " " + r.metadata().name()).isEqualTo(r);
      assertEveryNestedValueRebuilds(r, r.kind() + " " + r.metadata().name());
    }
    assertThat(config.toBuilder().build()).isEqualTo(config);
  }

  /** Walks the record tree; every model value with a builder must rebuild to itself. */
  private static void assertEveryNestedValueRebuilds(Object value, String path) {
    if (value instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        assertEveryNestedValueRebuilds(e, path + "[" + i++ + "]");
      }
      return;
    }
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> assertEveryNestedValueRebuilds(v, path + "[" + k + "]"));
      return;
    }
    if (value == null || !value.getClass().isRecord()
        || value instanceof ConfigOrigin || value instanceof ConfigProblem) {
      return;
    }
    SEEN.add(value.getClass().getName().substring(value.getClass().getPackageName().length() + 1));
    assertThat(rebuild(value)).as(path).isEqualTo(value);
    for (RecordComponent rc : value.getClass().getRecordComponents()) {
      try {
        assertEveryNestedValueRebuilds(rc.getAccessor().invoke(value), path + "." + rc.getName());
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static Object rebuild(Object value) {
    try {
      Object builder = value.getClass().getMethod("toBuilder").invoke(value);
      Method build = builder.getClass().getMethod("build");
      return build.invoke(builder);
    } catch (InvocationTargetException e) {
      throw new AssertionError(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @AfterAll
  static void printCoverage() {
    System.out.println("Model types rebuilt from the manifests: " + SEEN);
  }
}
