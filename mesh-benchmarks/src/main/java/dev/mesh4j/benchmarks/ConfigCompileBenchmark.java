package dev.mesh4j.benchmarks;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What configuration costs off the request path: building a {@link Mesh} from 1,000 YAML
 * documents (parse, validate, compile the snapshot) and {@link Mesh#reload()} of the same
 * documents (re-read, validate, compile, swap).
 *
 * <p>The documents are {@link SyntheticMesh} with 500 services (a DestinationRule each, two
 * endpoints each) and 500 VirtualServices of four routes. {@code source} says where they are
 * read from: one multi-document string, or one file per document in a temporary folder.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConfigCompileBenchmark {

  @Param({"1000"})
  int documents;

  @Param({"string", "files"})
  String source;

  SyntheticMesh shape;
  String yaml;
  Path folder;
  ServiceRegistry registry;
  Mesh mesh;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    shape = new SyntheticMesh(documents / 2, 2, documents / 2);
    registry = shape.registry();
    if (source.equals("files")) {
      folder = shape.writeFiles(Files.createTempDirectory("mesh4j-bench-config"));
    } else {
      yaml = shape.yaml();
    }
    mesh = newMesh();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    mesh.close();
    if (folder != null) {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  Mesh newMesh() {
    Mesh.Builder b = Mesh.builder().registry(registry).dnsRefreshInterval(Duration.ZERO);
    return (folder != null ? b.configDirectory(folder) : b.configYaml(yaml)).build();
  }

  /** A new mesh from the documents; closed at once so the shared registry does not collect listeners. */
  @Benchmark
  public long build() {
    try (Mesh m = newMesh()) {
      return m.version();
    }
  }

  /** Reloading the same documents into a running mesh. */
  @Benchmark
  public long reload() {
    mesh.reload();
    return mesh.version();
  }
}
