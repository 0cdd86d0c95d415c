package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.explain.MeshSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code describe()} pictures services, routes, clusters and endpoints; a lenient start survives a bad config. */
class DescribeAndLenientStartTest {
  @TempDir Path dir;

  static ServiceRegistry reviews() {
    return new ServiceRegistry().register("reviews", 9080,
        Endpoint.of("10.0.0.1", 9080).withLabel("version", "v1"), Endpoint.of("10.0.0.2", 9080).withLabel("version", "v2"));
  }

  @Test
  void describeListsTheServiceItsRoutesAndEachClustersEndpoints() {
    try (Mesh mesh = Mesh.builder().configYaml(ReloadOnChangeTest.vs("v2")).registry(reviews()).build()) {
      MeshSummary summary = mesh.describe();
      assertThat(summary.version()).isEqualTo(mesh.version());
      MeshSummary.Service service = summary.services().get(0);
      assertThat(service.host()).isEqualTo("reviews.default.svc.cluster.local");
      assertThat(service.ports()).containsExactly(9080);
      assertThat(service.virtualService()).isEqualTo("default/reviews");
      assertThat(service.routes()).singleElement().satisfies(r -> {
        assertThat(r.route()).isEqualTo("http[0]");
        assertThat(r.destinations()).containsExactly("reviews.default.svc.cluster.local subset v2 weight 100");
      });
      MeshSummary.Cluster v2 = summary.clusters().stream()
          .filter(c -> "v2".equals(c.subset())).findFirst().orElseThrow();
      assertThat(v2.name()).isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local");
      assertThat(v2.loadBalancer()).isNotEmpty();
      assertThat(v2.endpoints()).singleElement().satisfies(e -> {
        assertThat(e.address()).isEqualTo("10.0.0.2:9080");
        assertThat(e.labels()).containsEntry("version", "v2");
        assertThat(e.ejected()).isFalse();
      });
    }
  }

  @Test
  void aLenientStartRunsWithNoConfigUntilAReloadSucceeds() throws Exception {
    Path file = dir.resolve("reviews.yaml");
    Files.writeString(file, ReloadOnChangeTest.vs("v2").replace("hosts: [reviews]", "hosts: reviews"));
    assertThatThrownBy(() -> Mesh.builder().configFile(file).build()).isInstanceOf(MeshConfigException.class);
    try (Mesh mesh = Mesh.builder().configFile(file).registry(reviews()).lenientStart(true).build()) {
      assertThat(mesh.config().resources()).isEmpty();
      assertThat(mesh.describe().services().get(0).virtualService()).isNull();
      Files.writeString(file, ReloadOnChangeTest.vs("v2"));
      mesh.reload();
      assertThat(ReloadOnChangeTest.target(mesh)).isEqualTo("10.0.0.2:9080");
    }
  }
}
