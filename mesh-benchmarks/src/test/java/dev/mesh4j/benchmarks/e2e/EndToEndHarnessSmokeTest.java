package dev.mesh4j.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Not a benchmark: checks that the harness runs end to end and reports every row. */
class EndToEndHarnessSmokeTest {

  @Test
  void tinyRunReportsEveryCellAndMarksTheMissingProxy(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("e2e.md");

    EndToEndHarness.main(new String[] {
        "--requests", "200", "--warmup", "20", "--jit-warmup", "100", "--rounds", "2",
        "--concurrency", "1,8", "--latency-ms", "0,1",
        "--proxy-unavailable", "off in the smoke test", "--retries", "0", "--out", out.toString()});

    List<String> lines = Files.readAllLines(out);
    for (String latency : List.of("| 0 ms |", "| 1 ms |")) {
      for (String concurrency : List.of(" 1 |", " 8 |")) {
        String cell = latency + concurrency;
        assertThat(lines).filteredOn(l -> l.startsWith(cell + " (a) bare OkHttp |"))
            .singleElement().asString().endsWith("| 0 |");
        assertThat(lines).filteredOn(l -> l.startsWith(cell + " (b) OkHttp + mesh4j |"))
            .singleElement().asString().endsWith("| 0 |");
        assertThat(lines).filteredOn(l -> l.startsWith(cell + " (c) OkHttp → proxy | not available |"))
            .hasSize(1);
        // The ratio row: (b)/(a) figures, then (c)/(a) not available.
        assertThat(lines).filteredOn(l -> l.startsWith(cell + " ") && l.contains("| not available |")
            && !l.contains("(c)")).hasSize(1);
      }
    }
    assertThat(lines).anyMatch(l -> l.startsWith("Proxy: not available — off in the smoke test"));
    assertThat(lines).noneMatch(l -> l.startsWith("Errors:"));
  }
}
