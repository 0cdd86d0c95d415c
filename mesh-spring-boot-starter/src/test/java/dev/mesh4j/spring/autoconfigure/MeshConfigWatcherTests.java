package dev.mesh4j.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Hot reload: a changed file applies; a bad one keeps the last good configuration serving and is reported. */
class MeshConfigWatcherTests {
  @TempDir Path dir;

  static String reviewsTo(String subset) {
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

  ApplicationContextRunner runner(ReviewsBackends reviews, String... properties) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(MeshAutoConfiguration.class))
        .withBean(ServiceRegistry.class, () -> reviews.registerIn(new ServiceRegistry()))
        .withPropertyValues("mesh.config-locations=file:" + dir + "/")
        .withPropertyValues(properties);
  }

  @Test
  void aChangedFileAppliesAndABadOneKeepsTheLastGoodConfigServing() throws Exception {
    Path file = dir.resolve("reviews.yaml");
    Files.writeString(file, reviewsTo("v1"));
    try (ReviewsBackends reviews = new ReviewsBackends()) {
      runner(reviews).run(context -> {
        OkHttpClient client = context.getBean(OkHttpClient.class);
        MeshConfigWatcher watcher = context.getBean(MeshConfigWatcher.class);
        MeshConfigStatus status = context.getBean(MeshConfigStatus.class);
        assertThat(watcher.checkNow()).as("nothing changed yet").isFalse();
        assertThat(MeshAutoConfigurationTests.get(client, "http://reviews:9080/", Map.of())).isEqualTo("200 reviews-v1");

        Files.writeString(file, reviewsTo("v2"));
        assertThat(watcher.checkNow()).isTrue();
        assertThat(status.lastReload().outcome()).isEqualTo("loaded");
        assertThat(MeshAutoConfigurationTests.get(client, "http://reviews:9080/", Map.of())).isEqualTo("200 reviews-v2");
        long good = context.getBean(Mesh.class).version();

        Files.writeString(file, reviewsTo("v1").replace("hosts: [reviews]", "hosts: reviews"));
        assertThat(watcher.checkNow()).isTrue();
        assertThat(status.lastReload().outcome()).isEqualTo("rejected");
        assertThat(status.lastReload().message()).contains("reviews.yaml").contains("hosts");
        assertThat(status.lastReload().version()).isEqualTo(good);
        assertThat(status.everLoaded()).isTrue();
        assertThat(watcher.checkNow()).as("the same bad file is not retried").isFalse();
        assertThat(MeshAutoConfigurationTests.get(client, "http://reviews:9080/", Map.of()))
            .as("the last good configuration keeps serving").isEqualTo("200 reviews-v2");

        Files.writeString(dir.resolve("more.yml"), "# a new file in the folder\n");
        Files.writeString(file, reviewsTo("v1"));
        assertThat(watcher.checkNow()).isTrue();
        assertThat(status.lastReload().loaded()).isTrue();
        assertThat(MeshAutoConfigurationTests.get(client, "http://reviews:9080/", Map.of())).isEqualTo("200 reviews-v1");
      });
    }
  }

  @Test
  void theWatcherPollsOnItsOwnAtTheConfiguredInterval() throws Exception {
    Path file = dir.resolve("reviews.yaml");
    Files.writeString(file, reviewsTo("v1"));
    try (ReviewsBackends reviews = new ReviewsBackends()) {
      runner(reviews, "mesh.reload.interval=50ms").run(context -> {
        assertThat(context.getBean(MeshConfigWatcher.class).isRunning()).isTrue();
        OkHttpClient client = context.getBean(OkHttpClient.class);
        Files.writeString(file, reviewsTo("v2"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(MeshAutoConfigurationTests.get(client, "http://reviews:9080/", Map.of())).isEqualTo("200 reviews-v2"));
      });
    }
  }

  @Test
  void aStartWithABadFileRecoversWhenTheFileIsFixed() throws Exception {
    Path file = dir.resolve("reviews.yaml");
    Files.writeString(file, reviewsTo("v2").replace("hosts: [reviews]", "hosts: reviews"));
    try (ReviewsBackends reviews = new ReviewsBackends()) {
      runner(reviews, "mesh.fail-fast=false").run(context -> {
        MeshConfigStatus status = context.getBean(MeshConfigStatus.class);
        assertThat(status.everLoaded()).isFalse();
        Files.writeString(file, reviewsTo("v2"));
        assertThat(context.getBean(MeshConfigWatcher.class).checkNow()).isTrue();
        assertThat(status.everLoaded()).isTrue();
        assertThat(MeshAutoConfigurationTests.get(context.getBean(OkHttpClient.class), "http://reviews:9080/", Map.of()))
            .isEqualTo("200 reviews-v2");
      });
    }
  }
}
