package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.cluster.ClusterKey;
import dev.mesh4j.core.internal.snapshot.MeshSnapshot;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A snapshot never changes once it serves: an endpoint change publishes a new snapshot whose
 * clusters differ in the changed services' alone, and a request that read the earlier snapshot
 * keeps the earlier endpoints.
 */
class SnapshotPublicationTest {

  private static String host(int i) {
    return "svc-" + i + ".default.svc.cluster.local";
  }

  private static Endpoint endpoint(int i) {
    return Endpoint.of("10.1." + (i / 200) + "." + (i % 200), 8080);
  }

  @Test
  void anEndpointChangePublishesANewSnapshotAndLeavesTheOneInForceAsItWas() throws IOException {
    ServiceRegistry registry = new ServiceRegistry();
    // More clusters than one chunk of the cluster table holds: changes land in two chunks.
    int services = 600;
    for (int i = 0; i < services; i++) {
      registry.register("svc-" + i, 8080, endpoint(i));
    }
    try (Mesh mesh = Mesh.builder().registry(registry).dnsRefreshInterval(Duration.ZERO).build()) {
      MeshSnapshot before = mesh.snapshot();
      Map<ClusterKey, Cluster> clustersBefore = before.clusters();
      assertThat(clustersBefore).hasSize(services);
      long version = mesh.version();

      registry.register("svc-7", 8080, Endpoint.of("10.2.0.7", 8080));
      registry.register("svc-590", 8080, Endpoint.of("10.2.2.190", 8080));

      MeshSnapshot after = mesh.snapshot();
      assertThat(after.version()).isEqualTo(version + 2);
      assertThat(before.version()).isEqualTo(version);
      before.clusters().forEach((key, cluster) -> assertThat(cluster).as("the earlier snapshot's " + key)
          .isSameAs(clustersBefore.get(key)));
      Set<String> changed = Set.of(host(7), host(590));
      after.clusters().forEach((key, cluster) -> {
        if (changed.contains(key.host())) {
          assertThat(cluster).isNotSameAs(clustersBefore.get(key));
        } else {
          assertThat(cluster).as(key.toString()).isSameAs(clustersBefore.get(key));
        }
      });
      assertThat(after.catalog()).as("only clusters change").isSameAs(before.catalog());

      assertThat(target(mesh, 7)).isEqualTo("10.2.0.7:8080");
      assertThat(target(mesh, 590)).isEqualTo("10.2.2.190:8080");
      assertThat(target(mesh, 300)).isEqualTo("10.1.1.100:8080");
    }
  }

  private static String target(Mesh mesh, int service) throws IOException {
    return mesh.execute(MeshRequest.builder("http://svc-" + service + ":8080/").build(), new RecordingExchange())
        .target();
  }
}
