package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.LoopbackBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload: atomic, never replacing a good config with a bad one, never failing requests in flight. */
class ReloadIntegrationTest {
  static final String SUBSETS = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
      """;

  static String routeTo(String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http: [{route: [{destination: {host: reviews, subset: %s}}]}]
        """.formatted(subset);
  }

  @TempDir Path dir;
  LoopbackBackend v1;
  LoopbackBackend v2;
  Mesh mesh;
  OkHttpClient client;

  @BeforeEach
  void start() throws IOException {
    v1 = LoopbackBackend.start("v1", Map.of("version", "v1"));
    v2 = LoopbackBackend.start("v2", Map.of("version", "v2"));
    Files.writeString(dir.resolve("dr.yaml"), SUBSETS);
    Files.writeString(dir.resolve("vs.yaml"), routeTo("v1"));
    mesh = Mesh.builder().configDirectory(dir)
        .registry(new ServiceRegistry().register("reviews", 9080, v1.endpoint(), v2.endpoint())).build();
    client = MeshOkHttp.newClient(mesh);
  }

  @AfterEach
  void stop() {
    mesh.close();
    v1.close();
    v2.close();
  }

  String get() throws IOException {
    try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/").build()).execute()) {
      return r.body().string();
    }
  }

  @Test
  void aBadReloadIsRefusedWithEveryProblemAndTheGoodConfigKeepsServing() throws IOException {
    assertThat(get()).isEqualTo("v1");
    Files.writeString(dir.resolve("vs.yaml"), """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v2}
              weight: -5
            - destination: {host: reviews, subset: v1}
              weight: 50
            match: [{headers: {x: {regex: '(unclosed'}}}]
            timeout: 2.000000005s
        """);
    long version = mesh.version();
    assertThatThrownBy(mesh::reload).isInstanceOfSatisfying(MeshConfigException.class, e -> {
      assertThat(e.errors()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
          "spec.http[0].route[0].weight",
          "spec.http[0].match[0].headers.x.regex",
          "spec.http[0].timeout");
      assertThat(e.getMessage()).contains(dir.resolve("vs.yaml") + "#1 spec.http[0].route[0].weight: ");
    });
    assertThat(mesh.version()).isEqualTo(version);
    assertThat(get()).isEqualTo("v1");

    Files.writeString(dir.resolve("vs.yaml"), routeTo("v2"));
    mesh.reload();
    assertThat(get()).isEqualTo("v2");
  }

  @Test
  void aMalformedFileIsRefusedNamingTheDocumentAndLine() throws IOException {
    Files.writeString(dir.resolve("vs.yaml"), routeTo("v2") + "---\nkind: [unclosed\n");
    assertThatThrownBy(mesh::reload).isInstanceOfSatisfying(MeshConfigException.class, e ->
        assertThat(e.errors()).singleElement().satisfies(p -> {
          assertThat(p.origin().document()).isEqualTo(2);
          assertThat(p.message()).contains("malformed YAML").contains("line 8");
        }));
    assertThat(get()).isEqualTo("v1");
  }

  @Test
  void aRequestInFlightFinishesOnTheConfigItStartedWith() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    v1.answer(r -> {
      arrived.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return LoopbackBackend.Answer.of(200, "v1-slow");
    });
    java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors.newSingleThreadExecutor();
    CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
      try {
        return get();
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    }, caller);
    caller.shutdown();
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();

    Files.writeString(dir.resolve("vs.yaml"), routeTo("v2"));
    mesh.reload();
    assertThat(get()).as("a request started after reload()").isEqualTo("v2");

    release.countDown();
    assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("v1-slow");
  }
}
