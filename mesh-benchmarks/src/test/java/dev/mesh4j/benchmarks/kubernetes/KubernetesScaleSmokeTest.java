package dev.mesh4j.benchmarks.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Not a benchmark: checks that the scale harness runs end to end on a small cluster. */
class KubernetesScaleSmokeTest {

  @Test
  void smallClusterIsMeasured() throws Exception {
    KubernetesScale.Result r = KubernetesScale.run(20, 3, 3, 50, 2);

    assertThat(r.watches()).as("nine kinds and the Nodes").isEqualTo(10);
    assertThat(r.changeMillisAfterDebounce()).hasSize(3);
    assertThat(r.updatesPerSecond()).isPositive();
    assertThat(r.updatesApplied()).isPositive();
    assertThat(r.slicesUpdated()).isPositive();
    assertThat(r.slicesDelivered()).isEqualTo(r.slicesUpdated());
    assertThat(r.decisionNanosQuiet()).isNotEmpty();
    assertThat(r.decisionNanosUnderUpdates()).isNotEmpty();
    assertThat(KubernetesScale.render(r)).contains("| watches per mesh | 10 | constant |");
  }
}
