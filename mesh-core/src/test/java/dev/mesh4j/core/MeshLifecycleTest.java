package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What a closed mesh does, and how concurrent reloads are ordered. */
class MeshLifecycleTest {

  private static final MeshRequest REVIEWS = MeshRequest.builder("http://reviews:9080/").build();

  private static ServiceRegistry registry() {
    return new ServiceRegistry().register("reviews", 9080,
        Endpoint.of("10.0.0.1", 9080).withLabel("version", "v1"),
        Endpoint.of("10.0.0.2", 9080).withLabel("version", "v2"));
  }

  @Test
  void requestsAfterCloseFailClearlyInsteadOfRoutingWithStoppedBackgroundWork() throws IOException {
    ServiceRegistry registry = registry();
    Mesh mesh = Mesh.builder().configYaml(ReloadOnChangeTest.vs("v1")).registry(registry).build();
    assertThat(mesh.execute(REVIEWS, new RecordingExchange()).target()).isEqualTo("10.0.0.1:9080");

    mesh.close();
    mesh.close();  // idempotent

    assertThatThrownBy(() -> mesh.execute(REVIEWS, new RecordingExchange()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Mesh is closed")
        .hasMessageContaining("reviews:9080");
    assertThatThrownBy(() -> mesh.explain(REVIEWS)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(mesh::reload).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(mesh::reloadIfChanged).isInstanceOf(IllegalStateException.class);

    long version = mesh.version();
    registry.register("reviews", 9080, Endpoint.of("10.0.0.3", 9080));
    assertThat(mesh.version()).as("a closed mesh compiles nothing more").isEqualTo(version);
    assertThat(mesh.describe()).as("the last state stays readable for health pages").isNotNull();
  }

  /**
   * Reload A reads the sources first (and sees v1) but is slow to finish; reload B starts later
   * (and sees v2). Without ordering, B applies v2 and then A overwrites it with the older v1.
   */
  @Test
  void ofTwoConcurrentReloadsTheLaterReadWins() throws Exception {
    CountDownLatch aReading = new CountDownLatch(1);
    CountDownLatch releaseA = new CountDownLatch(1);
    AtomicReference<Thread> slowReader = new AtomicReference<>();
    // The resource's text depends on who reads it: thread A sees v1 and stalls while reading,
    // everyone else sees v2. Built with v1.
    ClassLoader loader = new ClassLoader(getClass().getClassLoader()) {
      @Override
      public InputStream getResourceAsStream(String name) {
        if (!name.equals("mesh/reviews.yaml")) {
          return super.getResourceAsStream(name);
        }
        boolean isA = Thread.currentThread() == slowReader.get();
        String text = ReloadOnChangeTest.vs(slowReader.get() == null || isA ? "v1" : "v2");
        if (isA) {
          aReading.countDown();
          await(releaseA);
        }
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
      }
    };
    Thread current = Thread.currentThread();
    ClassLoader previous = current.getContextClassLoader();
    Mesh mesh;
    current.setContextClassLoader(loader);
    try {
      mesh = Mesh.builder().configResource("mesh/reviews.yaml").registry(registry()).build();
    } finally {
      current.setContextClassLoader(previous);
    }
    try (mesh) {
      Thread a = new Thread(mesh::reload, "reload-a");
      slowReader.set(a);
      a.start();
      assertThat(aReading.await(10, TimeUnit.SECONDS)).isTrue();

      Thread b = new Thread(mesh::reload, "reload-b");
      b.start();
      // B either waits for A (reloads in order) or runs to the end past it (the defect).
      while (b.getState() != Thread.State.BLOCKED && b.getState() != Thread.State.TERMINATED) {
        Thread.onSpinWait();
      }
      releaseA.countDown();
      a.join(10_000);
      b.join(10_000);

      assertThat(mesh.execute(REVIEWS, new RecordingExchange()).target())
          .as("the configuration read last (v2) serves")
          .isEqualTo("10.0.0.2:9080");
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
