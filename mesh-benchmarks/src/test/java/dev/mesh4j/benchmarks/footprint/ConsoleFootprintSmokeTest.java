package dev.mesh4j.benchmarks.footprint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Not a benchmark: checks that the console's memory measurement runs and counts what it should. */
class ConsoleFootprintSmokeTest {

  @Test
  void theConsoleIsMeasuredEmptyAndAfterTraffic() throws Exception {
    ConsoleFootprint.Result r = ConsoleFootprint.measure(5, 3);

    assertThat(r.emptyBytes()).isPositive();
    // Five services with two versions each: at least ten windows with latency histograms (10 KiB each).
    assertThat(r.saturatedBytes()).isGreaterThan(r.emptyBytes() + 10 * 10_000L);
    assertThat(r.bookinfoStateBytes()).isPositive();
    assertThat(ConsoleFootprint.render(r)).contains("| listener, before any request |");
  }
}
