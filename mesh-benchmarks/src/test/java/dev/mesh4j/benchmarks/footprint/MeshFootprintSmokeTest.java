package dev.mesh4j.benchmarks.footprint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.benchmarks.SyntheticMesh;
import org.junit.jupiter.api.Test;

/** Not a benchmark: checks that the memory measurement runs and that its methods roughly agree. */
class MeshFootprintSmokeTest {

  @Test
  void smallMeshIsMeasuredByBothMethods() throws Exception {
    MeshFootprint.Result r = MeshFootprint.measure(new SyntheticMesh(5, 2, 10), 2);

    assertThat(r.reachableBytes()).isPositive();
    assertThat(r.modelBytes()).isPositive().isLessThan(r.reachableBytes());
    assertThat(r.endpointsBytes()).isPositive().isLessThan(r.reachableBytes());
    // A small mesh is a few hundred KB at most; the histogram difference is the noisier one.
    assertThat(r.histogramBytes()).isBetween(r.reachableBytes() / 4, r.reachableBytes() * 4);
    assertThat(MeshFootprint.render(r)).contains("| heap histogram difference after full GC");
  }
}
