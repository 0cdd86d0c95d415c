package dev.mesh4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite covers INDEX.md: every line has at least one test carrying its file in
 * {@link Covers}, no test claims a file INDEX.md does not list, and every manifest of the corpus
 * has a line. Each transport runs the whole suite ({@link #assertRunsTheWholeSuite}).
 */
class ConformanceCompletenessTest {
  /**
   * The classes of the suite; a new one must be added here for its tests to count, and to every
   * transport's runner.
   */
  static final List<Class<?>> SUITE = List.of(
      BookinfoConformance.class,
      ExternalConformance.class,
      GatewaysConformance.class,
      PilotTestdataConformance.class,
      LoadBalancerConformance.class);

  static Map<String, List<String>> coverage() {
    Map<String, List<String>> covered = new TreeMap<>();
    for (Class<?> c : SUITE) {
      for (Method m : c.getDeclaredMethods()) {
        Covers covers = m.getAnnotation(Covers.class);
        if (covers == null) {
          continue;
        }
        assertThat(m.isAnnotationPresent(Test.class))
            .as("%s.%s carries @Covers but is not a @Test", c.getSimpleName(), m.getName()).isTrue();
        for (String f : covers.value()) {
          covered.computeIfAbsent(f, k -> new ArrayList<>()).add(c.getSimpleName() + "." + m.getName());
        }
      }
    }
    return covered;
  }

  @Test
  void everyIndexLineHasAConformanceTest() {
    List<String> index = Corpus.indexedFiles();
    assertThat(index).as("INDEX.md lines").hasSizeGreaterThanOrEqualTo(40).doesNotHaveDuplicates();
    assertThat(coverage().keySet()).as("files covered by @Covers tests").containsAll(index);
  }

  @Test
  void everyCoveredFileIsAnIndexLine() {
    assertThat(Corpus.indexedFiles()).as("INDEX.md lines").containsAll(coverage().keySet());
  }

  @Test
  void everyCorpusManifestHasAnIndexLine() {
    assertThat(new TreeSet<>(Corpus.indexedFiles())).isEqualTo(new TreeSet<>(Corpus.allFiles()));
  }

  /**
   * Asserts that a transport's runner runs every class of the suite: it has one {@code @Nested}
   * subclass of each.
   */
  static void assertRunsTheWholeSuite(Class<?> runner) {
    List<Class<?>> nested = new ArrayList<>();
    for (Class<?> c : runner.getDeclaredClasses()) {
      if (c.isAnnotationPresent(org.junit.jupiter.api.Nested.class)) {
        nested.add(c.getSuperclass());
      }
    }
    assertThat(nested).as("the suite classes %s runs", runner.getSimpleName()).containsExactlyInAnyOrderElementsOf(SUITE);
  }
}
