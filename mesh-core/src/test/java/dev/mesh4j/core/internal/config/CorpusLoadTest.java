package dev.mesh4j.core.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.MeshConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every manifest of the Istio corpus loads without error (skipped kinds and warnings are fine). */
class CorpusLoadTest {

  static Stream<Path> corpus() throws IOException, URISyntaxException {
    Path root = Path.of(CorpusLoadTest.class.getResource("/istio-samples").toURI());
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void loadsWithoutError(Path file) {
    MeshConfig config = ConfigLoader.load(List.of(ConfigSource.file(file)), "default");
    assertThat(config.resources()).isNotEmpty();
    config.warnings().forEach(w -> System.out.println("WARN " + w));
  }
}
