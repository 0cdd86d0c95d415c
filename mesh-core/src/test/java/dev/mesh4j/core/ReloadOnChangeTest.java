package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The periodic change check reloads changed files and never replaces a good config with a bad one. */
class ReloadOnChangeTest {
  @TempDir Path dir;

  static String vs(String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http: [{route: [{destination: {host: reviews, subset: %s}}]}]
        """.formatted(subset);
  }

  static String target(Mesh mesh) throws IOException {
    return mesh.execute(MeshRequest.builder("http://reviews:9080/").build(), new RecordingExchange()).target();
  }

  @Test
  void reloadsOnlyWhenAFileChangedAndKeepsTheGoodConfigOnABadChange() throws IOException {
    Files.writeString(dir.resolve("reviews.yaml"), vs("v1"));
    ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080,
        Endpoint.of("10.0.0.1", 9080).withLabel("version", "v1"), Endpoint.of("10.0.0.2", 9080).withLabel("version", "v2"));
    try (Mesh mesh = Mesh.builder().configDirectory(dir).registry(registry).build()) {
      long v = mesh.version();
      mesh.reloadIfChanged();
      assertThat(mesh.version()).as("nothing changed").isEqualTo(v);

      Files.writeString(dir.resolve("reviews.yaml"), vs("v2"));
      mesh.reloadIfChanged();
      assertThat(target(mesh)).isEqualTo("10.0.0.2:9080");

      long good = mesh.version();
      Files.writeString(dir.resolve("reviews.yaml"), vs("v2").replace("hosts: [reviews]", "hosts: reviews"));
      assertThatThrownBy(mesh::reloadIfChanged).isInstanceOf(MeshConfigException.class);
      assertThat(mesh.reloadIfChanged()).as("the same bad file is not tried again").isFalse();
      assertThat(mesh.version()).isEqualTo(good);
      assertThat(target(mesh)).isEqualTo("10.0.0.2:9080");

      Files.writeString(dir.resolve("extra.yml"), "# an empty manifest\n");
      Files.writeString(dir.resolve("reviews.yaml"), vs("v1"));
      mesh.reloadIfChanged();
      assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");
    }
  }
}
