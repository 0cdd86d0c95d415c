package dev.mesh4j.core;

import static dev.mesh4j.core.SourcesTest.V1;
import static dev.mesh4j.core.SourcesTest.V2;
import static dev.mesh4j.core.SourcesTest.reviews;
import static dev.mesh4j.core.SourcesTest.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.Destination;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.testing.TestSource;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Configuration built in code is validated exactly as YAML: the same problems at the same field
 * paths, named by the resource's kind, namespace and name instead of a file and document.
 */
class CodeConfigValidationTest {

  static final DestinationRule DR = DestinationRule.builder("reviews")
      .host("reviews")
      .subsets(Subset.builder().name("v1").label("version", "v1"),
          Subset.builder().name("v2").label("version", "v2"))
      .build();

  static VirtualService reviewsTo(String subset, int weight) {
    return VirtualService.builder("reviews")
        .hosts("reviews")
        .http(HttpRoute.builder().route(Destination.of("reviews", subset), weight))
        .build();
  }

  @Test
  void aMeshBuiltWithAnInvalidResourceFailsNamingItsKindNameAndFieldPath() {
    MeshConfig bad = MeshConfig.builder().add(DR, reviewsTo("v1", -5)).build();
    ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080, V1, V2);

    assertThatThrownBy(() -> Mesh.builder().config(bad).registry(registry).build())
        .isInstanceOfSatisfying(MeshConfigException.class, e -> assertThat(e.errors())
            .extracting(ConfigProblem::toString)
            // The namespace is unset in code: the workload's, as for YAML without one.
            .containsExactly("VirtualService default/reviews spec.http[0].route[0].weight: weight -5 < 0"))
        .hasMessageContaining("VirtualService default/reviews spec.http[0].route[0].weight");
  }

  @Test
  void applyingAnInvalidConfigurationBuiltInCodeThrowsAndKeepsTheOneInForce() throws IOException {
    ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080, V1, V2);
    MeshConfig good = MeshConfig.builder().add(DR, reviewsTo("v1", 100)).build();
    try (Mesh mesh = Mesh.builder().config(good).registry(registry).build()) {
      long version = mesh.version();
      MeshConfig bad = MeshConfig.builder()
          .add(DR, reviewsTo("v2", 100).toBuilder().namespace("prod").exportTo("~").build())
          .build();

      assertThatThrownBy(() -> mesh.apply(bad))
          .isInstanceOfSatisfying(MeshConfigException.class, e -> assertThat(e.errors())
              .extracting(ConfigProblem::toString).containsExactly("VirtualService prod/reviews "
                  + "spec.exportTo[0]: exportTo ~ (none) is not allowed for Istio configuration objects"));
      assertThat(mesh.version()).isEqualTo(version);
      assertThat(target(mesh)).as("the configuration in force keeps serving").isEqualTo("10.0.0.1:9080");

      mesh.apply(MeshConfig.builder().add(DR, reviewsTo("v2", 100)).build());
      assertThat(target(mesh)).isEqualTo("10.0.0.2:9080");
    }
  }

  @Test
  void aWatchedSourceRejectsAnInvalidResourceBuiltInCodeAndKeepsItsLastValidVersion()
      throws IOException {
    TestSource watched = TestSource.perResource("watched", SourceUpdate.replaceAll()
        .resource(DR).resource(reviewsTo("v1", 100)).service(reviews(V1, V2)).build());
    try (Mesh mesh = Mesh.builder().source(watched).build()) {
      assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");

      SourceUpdate.Result r = watched.apply(SourceUpdate.changes()
          .resource(reviewsTo("v2", -5))
          .resource(DR.toBuilder().label("revision", "2").build())
          .build());

      assertThat(r.applied()).isTrue();
      assertThat(r.rejected()).containsExactly(new ResourceKey("VirtualService", "default", "reviews"));
      assertThat(r.errors()).extracting(ConfigProblem::toString)
          .containsExactly("VirtualService default/reviews spec.http[0].route[0].weight: weight -5 < 0");
      assertThat(target(mesh)).as("the last valid version keeps serving").isEqualTo("10.0.0.1:9080");
      assertThat(mesh.config().all(DestinationRule.class).get(0).metadata().labels())
          .as("the valid resource of the same update applied").containsEntry("revision", "2");
      assertThat(mesh.describe().rejected())
          .containsExactly("VirtualService default/reviews spec.http[0].route[0].weight: weight -5 < 0");

      watched.apply(SourceUpdate.changes().resource(reviewsTo("v2", 100)).build());
      assertThat(mesh.describe().rejected()).as("a valid version clears the rejection").isEmpty();
      assertThat(target(mesh)).isEqualTo("10.0.0.2:9080");
    }
  }

  @Test
  void warningsAboutAResourceBuiltInCodeAreKeptAsForYaml() throws IOException {
    VirtualService twoCatchAlls = VirtualService.builder("reviews")
        .hosts("reviews")
        .http(HttpRoute.builder().route(Destination.of("reviews", "v1")),
            HttpRoute.builder().name("never").route(Destination.of("reviews", "v2")))
        .build();
    ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080, V1, V2);
    try (Mesh mesh = Mesh.builder().config(MeshConfig.builder().add(DR, twoCatchAlls).build())
        .registry(registry).build()) {
      assertThat(mesh.config().warnings()).extracting(ConfigProblem::toString).contains(
          "VirtualService default/reviews spec.http[1]: virtualService rule \"never\" not used "
              + "(only the last rule can have no matches)");
      assertThat(mesh.config().all(VirtualService.class).get(0).metadata().origin())
          .as("the resource names itself in later messages too")
          .isEqualTo(ConfigOrigin.of("VirtualService default/reviews"));
      assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");
    }
  }
}
