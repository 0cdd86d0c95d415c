package dev.mesh4j.core;

import static dev.mesh4j.core.SourcesTest.DR;
import static dev.mesh4j.core.SourcesTest.DR_KEY;
import static dev.mesh4j.core.SourcesTest.V1;
import static dev.mesh4j.core.SourcesTest.V2;
import static dev.mesh4j.core.SourcesTest.VS;
import static dev.mesh4j.core.SourcesTest.reviews;
import static dev.mesh4j.core.SourcesTest.target;
import static dev.mesh4j.core.SourcesTest.vs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.observe.ConfigChange;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.testing.TestSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An update that validates but whose snapshot cannot be compiled is staged, committed, then taken
 * back: the source's state returns to what serves, so a later, unrelated update does not bring
 * the uncompilable one into force, and the update is reported as refused.
 */
class CompileFailureRollbackTest {
  @TempDir Path dir;

  /** Fails every compile whose configuration routes reviews to subset v2 while armed. */
  static class FailOnV2 implements Consumer<MeshConfig> {
    volatile boolean armed = true;

    @Override
    public void accept(MeshConfig config) {
      if (armed && routesToV2(config)) {
        beforeFailing();
        throw new IllegalStateException("compile failed for the test");
      }
    }

    /** Runs in the compile that is about to fail, on the thread applying the update. */
    void beforeFailing() {}

    static boolean routesToV2(MeshConfig config) {
      return config.all(VirtualService.class).stream()
          .anyMatch(v -> v.http().stream().anyMatch(h -> h.route().stream()
              .anyMatch(r -> "v2".equals(r.destination().subset()))));
    }
  }

  /**
   * Holds each failing compile open until another thread has sent {@code perCompile} requests
   * through the mesh: requests certain to run while the refused update is being compiled.
   */
  static final class RequestsDuringFailingCompile extends FailOnV2 {
    final int perCompile;
    /** A permit per request the other thread is to send. */
    final Semaphore go = new Semaphore(0);
    /** A permit per request it sent. */
    final Semaphore sent = new Semaphore(0);

    RequestsDuringFailingCompile(int perCompile) {
      this.perCompile = perCompile;
    }

    @Override
    void beforeFailing() {
      go.release(perCompile);
      try {
        // Bounded, not timing: the other thread sends as soon as it has permits.
        assertThat(sent.tryAcquire(perCompile, 30, TimeUnit.SECONDS)).as("requests sent during the compile").isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void noRequestReachesTheEndpointsOfAnUpdateThatIsRefused() throws Exception {
    TestSource k8s = TestSource.perResource("watched", SourceUpdate.replaceAll()
        .manifest(DR_KEY, "watched", DR).manifest(VS, "watched", vs("v1")).service(reviews(V1, V2)).build());
    int updates = 20;
    RequestsDuringFailingCompile check = new RequestsDuringFailingCompile(15);
    try (Mesh mesh = Mesh.builder().source(k8s).compileCheck(check).build()) {
      List<String> targets = new CopyOnWriteArrayList<>();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      Thread requests = new Thread(() -> {
        try {
          while (true) {
            check.go.acquire();
            if (stop.get()) {
              return;
            }
            targets.add(target(mesh));
            check.sent.release();
          }
        } catch (Throwable t) {
          failures.add(t);
          check.sent.release(updates * check.perCompile);  // no compile waits for requests that will not come
        }
      }, "requests");
      requests.start();
      long version = mesh.version();
      List<String> refused = new ArrayList<>();
      List<SourceUpdate.Result> results = new ArrayList<>();
      try {
        for (int i = 1; i <= updates; i++) {
          // Each update moves the v1 endpoint and routes to v2, which fails to compile: requests
          // routed to v1 while it compiles go to 10.0.0.1 or, if the update leaked, to its endpoint.
          String moved = "10.0.1." + i;
          refused.add(moved + ":9080");
          results.add(k8s.apply(SourceUpdate.changes().manifest(VS, "watched", vs("v2"))
              .service(reviews(Endpoint.of(moved, 9080).withLabel("version", "v1"), V2)).build()));
        }
      } finally {
        stop.set(true);
        check.go.release();
        requests.join(TimeUnit.SECONDS.toMillis(30));
      }

      assertThat(requests.isAlive()).isFalse();
      assertThat(failures).isEmpty();
      assertThat(targets).as("requests sent while refused updates were compiled").hasSize(updates * check.perCompile)
          .doesNotContainAnyElementsOf(refused)
          .containsOnly("10.0.0.1:9080");
      assertThat(results).allSatisfy(r -> {
        assertThat(r.applied()).isFalse();
        assertThat(r.version()).as("a refused update is no new version").isEqualTo(version);
      });
      assertThat(mesh.version()).isEqualTo(version);
      assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");
    }
  }

  @Test
  void aRefusedUpdateLeavesTheVersionAsItIsAndAnAppliedOneAdvancesItByOne() throws IOException {
    TestSource k8s = TestSource.perResource("watched", SourceUpdate.replaceAll()
        .manifest(DR_KEY, "watched", DR).manifest(VS, "watched", vs("v1")).service(reviews(V1, V2)).build());
    FailOnV2 check = new FailOnV2();
    List<ConfigChange> rejected = new CopyOnWriteArrayList<>();
    MeshListener listener = new MeshListener() {
      @Override
      public void configRejected(ConfigChange change) {
        rejected.add(change);
      }
    };
    try (Mesh mesh = Mesh.builder().source(k8s).listener(listener).compileCheck(check).build()) {
      long version = mesh.version();
      Endpoint movedV1 = Endpoint.of("10.0.0.9", 9080).withLabel("version", "v1");

      // Routes and endpoints; routes alone; a DestinationRule with them (the whole snapshot).
      List<SourceUpdate> updates = List.of(
          SourceUpdate.changes().manifest(VS, "watched", vs("v2")).service(reviews(movedV1, V2)).build(),
          SourceUpdate.changes().manifest(VS, "watched", vs("v2")).build(),
          SourceUpdate.changes().manifest(VS, "watched", vs("v2"))
              .manifest(DR_KEY, "watched", DR.replace("{version: v2}}]", "{version: v2}}, {name: v3, labels: {version: v3}}]"))
              .service(reviews(movedV1, V2)).build());
      for (SourceUpdate update : updates) {
        SourceUpdate.Result r = k8s.apply(update);

        assertThat(r.applied()).isFalse();
        assertThat(r.version()).isEqualTo(version);
        assertThat(mesh.version()).isEqualTo(version);
        assertThat(mesh.snapshot().version()).isEqualTo(version);
        assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");
      }
      assertThat(rejected).hasSize(3).allSatisfy(c -> assertThat(c.version()).isEqualTo(version));

      // Applied, the same update of routes and endpoints is one new configuration, published whole.
      check.armed = false;
      SourceUpdate.Result r = k8s.apply(updates.get(0));
      assertThat(r.applied()).isTrue();
      assertThat(mesh.version()).isEqualTo(version + 1);
      assertThat(r.version()).isEqualTo(version + 1);
      assertThat(target(mesh)).isEqualTo("10.0.0.2:9080");
      assertThat(k8s.apply(SourceUpdate.changes().manifest(VS, "watched", vs("v1")).build()).version())
          .isEqualTo(version + 2);
      assertThat(target(mesh)).isEqualTo("10.0.0.9:9080");
    }
  }

  @Test
  void aWatchedUpdateThatCannotBeCompiledIsTakenBackAndReportedAsRefused() throws IOException {
    TestSource k8s = TestSource.perResource("watched", SourceUpdate.replaceAll()
        .manifest(DR_KEY, "watched", DR).manifest(VS, "watched", vs("v1")).service(reviews(V1, V2)).build());
    FailOnV2 check = new FailOnV2();
    List<ConfigChange> rejected = new CopyOnWriteArrayList<>();
    MeshListener listener = new MeshListener() {
      @Override
      public void configRejected(ConfigChange change) {
        rejected.add(change);
      }
    };
    try (Mesh mesh = Mesh.builder().source(k8s).listener(listener).compileCheck(check).build()) {
      long version = mesh.version();

      SourceUpdate.Result r = k8s.apply(SourceUpdate.changes().manifest(VS, "watched", vs("v2")).build());

      assertThat(r.applied()).isFalse();
      assertThat(r.errors()).singleElement().extracting(ConfigProblem::message).asString()
          .contains("could not compile").contains("compile failed for the test");
      assertThat(mesh.version()).isEqualTo(version);
      assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");
      assertThat(mesh.describe().rejected()).singleElement().asString().contains("could not compile");
      assertThat(rejected).singleElement().satisfies(c -> assertThat(c.source()).isEqualTo("watched"));

      // An unrelated later update, which compiles, compiles on the state that serves, not on the
      // refused one.
      check.armed = false;
      k8s.apply(SourceUpdate.changes().manifest(DR_KEY, "watched", DR.replace("{version: v2}}]",
          "{version: v2}}, {name: v3, labels: {version: v3}}]"))
          .build());
      assertThat(mesh.version()).isGreaterThan(version);
      assertThat(target(mesh)).as("still v1: the refused VirtualService did not come back").isEqualTo("10.0.0.1:9080");
      assertThat(mesh.config().all(VirtualService.class)).singleElement()
          .satisfies(v -> assertThat(v.http().get(0).route().get(0).destination().subset()).isEqualTo("v1"));
      assertThat(mesh.describe().rejected()).as("an applied update clears the refusal").isEmpty();

      // Delivered again, it applies.
      assertThat(k8s.apply(SourceUpdate.changes().manifest(VS, "watched", vs("v2")).build()).applied()).isTrue();
      assertThat(target(mesh)).isEqualTo("10.0.0.2:9080");
    }
  }

  @Test
  void endpointsAppliedBeforeAFailedRoutesCompileAreTakenBackToo() throws IOException {
    TestSource k8s = TestSource.perResource("watched", SourceUpdate.replaceAll()
        .manifest(DR_KEY, "watched", DR).manifest(VS, "watched", vs("v1")).service(reviews(V1, V2)).build());
    try (Mesh mesh = Mesh.builder().source(k8s).compileCheck(new FailOnV2()).build()) {
      Endpoint movedV1 = Endpoint.of("10.0.0.9", 9080).withLabel("version", "v1");

      // Endpoints and a VirtualService in one update: the endpoints go in first, then the routes
      // fail to compile. Both are taken back.
      SourceUpdate.Result r = k8s.apply(SourceUpdate.changes().manifest(VS, "watched", vs("v2"))
          .service(reviews(movedV1, V2)).build());

      assertThat(r.applied()).isFalse();
      assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");
    }
  }

  @Test
  void aCodeConfigThatCannotBeCompiledThrowsAndTheOneInForceKeepsServing() throws IOException {
    MeshConfig v1 = MeshConfig.fromYaml("code.yaml", DR + "---\n" + vs("v1"));
    ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080, V1, V2);
    FailOnV2 check = new FailOnV2();
    try (Mesh mesh = Mesh.builder().config(v1).registry(registry).compileCheck(check).build()) {
      assertThatThrownBy(() -> mesh.apply(MeshConfig.fromYaml("code.yaml", DR + "---\n" + vs("v2"))))
          .isInstanceOf(MeshConfigException.class).hasMessageContaining("could not compile");
      assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");

      // A new service compiles everything again, from the sources' state.
      check.armed = false;
      registry.register("ratings", 9080, Endpoint.of("10.0.0.5", 9080));
      assertThat(mesh.config().all(VirtualService.class)).singleElement()
          .satisfies(v -> assertThat(v.http().get(0).route().get(0).destination().subset()).isEqualTo("v1"));
    }
  }

  @Test
  void aReloadThatCannotBeCompiledThrowsAndLeavesEverySourceAsItWas() throws IOException {
    Path file = dir.resolve("reviews.yaml");
    Files.writeString(file, DR + "---\n" + vs("v1"));
    ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080, V1, V2);
    FailOnV2 check = new FailOnV2();
    try (Mesh mesh = Mesh.builder().configFile(file).registry(registry).compileCheck(check).build()) {
      Files.writeString(file, DR + "---\n" + vs("v2"));

      assertThatThrownBy(mesh::reload).isInstanceOf(MeshConfigException.class).hasMessageContaining("could not compile");
      assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");

      // A new service compiles everything again, from the sources' state.
      check.armed = false;
      registry.register("ratings", 9080, Endpoint.of("10.0.0.5", 9080));
      assertThat(mesh.config().all(VirtualService.class)).singleElement()
          .satisfies(v -> assertThat(v.http().get(0).route().get(0).destination().subset()).isEqualTo("v1"));
    }
  }
}
