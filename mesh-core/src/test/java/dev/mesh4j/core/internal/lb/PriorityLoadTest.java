package dev.mesh4j.core.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Envoy's spill-over between priorities. The expected loads are worked out by hand from Envoy's
 * formula ({@code health = min(100, 140 × healthy / total)}, {@code NTA = min(100, Σ health)},
 * {@code load = min(left, health × 100 / NTA)}, rounding left-over to the first healthy priority;
 * all-panic loads by host count) and match the tables in Envoy's documentation (priority levels,
 * panic threshold).
 */
class PriorityLoadTest {

  @ParameterizedTest(name = "healthy {0} of {1}, threshold {2}% → load {3}, panic {4}")
  @CsvSource(delimiter = ';', value = {
      // Envoy's "Priority levels" table: P0 health → P0/P1 traffic (P1 fully healthy).
      "100 100; 100 100; 0; 100 0; false false",
      "72 100; 100 100; 0; 100 0; false false", // 140 × 0.72 = 100.8, capped at 100
      "71 100; 100 100; 0; 99 1; false false",
      "50 100; 100 100; 0; 70 30; false false",
      "25 100; 100 100; 0; 35 65; false false",
      "0 100; 100 100; 0; 0 100; false false",
      // Three priorities, two partly healthy: 28 + 28 + 100 capped at 100 overall.
      "20 20 100; 100 100 100; 0; 28 28 44; false false false",
      // Not enough in total (NTA 56): loads scaled up, 28 × 100 / 56 = 50 each.
      "20 20; 100 100; 0; 50 50; false false",
      // The same with a panic threshold of 50 %: both below it, total panic, loads by host count.
      "20 20; 100 100; 50; 50 50; true true",
      // NTA 100 (46 + 100): no panic although P0 is below the threshold.
      "1 1; 3 1; 50; 46 54; false false",
      // NTA 84 < 100, only P0 below the threshold: P0 panics and keeps its share (33 + 1 left over).
      "1 2; 5 5; 30; 34 66; true false",
      // NTA 70: P0 has no healthy host and panics, but its load is 0.
      "0 2; 4 4; 50; 0 100; true false",
      // NTA 100: nobody panics, whatever the threshold.
      "60 80; 100 100; 50; 84 16; false false",
      // Every host ejected, panic off: all load to P0, which has none (503 UH).
      "0 0; 2 2; 0; 100 0; false false",
      // Every host ejected, panic on: total panic by host count.
      "0 0; 2 6; 10; 25 75; true true",
      // Rounding: 140 × 2/3 = 93, 140 × 1/3 = 46: NTA 100, 93 and 7.
      "2 1; 3 3; 0; 93 7; false false",
      // Rounding left over goes to the first healthy priority: 46 + 46 = 92 → 50 + 50.
      "1 1; 3 3; 0; 50 50; false false",
      "1 1 1; 3 3 3; 0; 46 46 8; false false false",
      // 35 + 28 = 63: 55 and 44, the 1 left over to P0.
      "1 1; 4 5; 0; 56 44; false false"})
  void loadsFollowEnvoysFormula(String healthy, String total, int threshold, String load, String panic) {
    PriorityLoad.Result r = PriorityLoad.compute(ints(healthy), ints(total), threshold);
    assertThat(r.load()).containsExactly(ints(load));
    boolean[] expectedPanic = new boolean[r.panic().length];
    String[] flags = panic.trim().split(" ");
    for (int i = 0; i < flags.length; i++) {
      expectedPanic[i] = Boolean.parseBoolean(flags[i]);
    }
    assertThat(r.panic()).containsExactly(expectedPanic);
    assertThat(Arrays.stream(r.load()).sum()).isEqualTo(100);
  }

  private static int[] ints(String s) {
    return Arrays.stream(s.trim().split(" ")).mapToInt(Integer::parseInt).toArray();
  }
}
