package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.spi.MeshSource;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceContext;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.routing.CompiledVirtualService;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.TestSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sources deliver configuration and endpoints; the mesh validates, combines and swaps. */
class SourcesTest {
  @TempDir Path dir;

  static final String DR = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: default}
      spec:
        host: reviews
        subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
      """;

  static String vs(String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http: [{route: [{destination: {host: reviews, subset: %s}}]}]
        """.formatted(subset);
  }

  static final ResourceKey VS = new ResourceKey("VirtualService", "default", "reviews");
  static final ResourceKey DR_KEY = new ResourceKey("DestinationRule", "default", "reviews");

  static ServiceEndpoints reviews(Endpoint... endpoints) {
    return ServiceEndpoints.builder("reviews", "default").port(new ServicePort(9080, "HTTP", "http", null))
        .endpoint(9080, endpoints).build();
  }

  static final Endpoint V1 = Endpoint.of("10.0.0.1", 9080).withLabel("version", "v1");
  static final Endpoint V2 = Endpoint.of("10.0.0.2", 9080).withLabel("version", "v2");

  static String target(Mesh mesh) throws IOException {
    return mesh.execute(MeshRequest.builder("http://reviews:9080/").build(), new RecordingExchange()).target();
  }

  @Test
  void aWatchedSourceSkipsAnInvalidResourceKeepsItsLastValidVersionAndAppliesTheRest() throws IOException {
    TestSource k8s = TestSource.perResource("watched", SourceUpdate.replaceAll()
        .manifest(DR_KEY, "watched", DR).manifest(VS, "watched", vs("v1")).service(reviews(V1, V2)).build());
    try (Mesh mesh = Mesh.builder().source(k8s).build()) {
      assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");

      // The VirtualService turns invalid (a negative weight) while a new DestinationRule
      // version (subset v2 now selects v1's pod too) arrives in the same update.
      SourceUpdate.Result r = k8s.apply(SourceUpdate.changes()
          .manifest(VS, "watched", vs("v2").replace("subset: v2}", "subset: v2}, weight: -5"))
          .manifest(DR_KEY, "watched", DR.replace("{version: v2}", "{version: v1}"))
          .build());

      assertThat(r.applied()).isTrue();
      assertThat(r.rejected()).containsExactly(VS);
      assertThat(r.errors()).extracting(ConfigProblem::toString)
          .containsExactly("watched#1 spec.http[0].route[0].weight: weight -5 < 0");
      assertThat(target(mesh)).as("the last valid VirtualService (→ v1) keeps serving").isEqualTo("10.0.0.1:9080");
      assertThat(mesh.config().all(dev.mesh4j.api.config.DestinationRule.class).get(0).subset("v2").labels())
          .as("the valid DestinationRule of the same update applied").containsEntry("version", "v1");
      assertThat(mesh.describe().rejected()).containsExactly("watched#1 spec.http[0].route[0].weight: weight -5 < 0");

      k8s.apply(SourceUpdate.changes().manifest(VS, "watched", vs("v2")).build());
      assertThat(mesh.describe().rejected()).as("a valid version clears the rejection").isEmpty();
      assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");  // v2 now selects version v1

      k8s.apply(SourceUpdate.changes().delete(VS).delete(DR_KEY).build());
      assertThat(mesh.config().resources()).isEmpty();
    }
  }

  @Test
  void aWholeSetUpdateWithOneErrorAppliesNothing() throws IOException {
    TestSource files = TestSource.wholeSet("files", SourceUpdate.replaceAll().yaml("a.yaml", DR + "---\n" + vs("v1"))
        .service(reviews(V1, V2)).build());
    try (Mesh mesh = Mesh.builder().source(files).build()) {
      long version = mesh.version();
      SourceUpdate.Result r = files.apply(SourceUpdate.replaceAll()
          .yaml("a.yaml", DR + "---\n" + vs("v2")).yaml("b.yaml", vs("v1").replace("hosts: [reviews]", "hosts: reviews"))
          .service(reviews(V1, V2)).build());

      assertThat(r.applied()).isFalse();
      assertThat(r.errors()).isNotEmpty();
      assertThat(mesh.version()).isEqualTo(version);
      assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");
      assertThat(mesh.describe().rejected()).singleElement().asString().startsWith("b.yaml#1 spec.hosts");
    }
  }

  @Test
  void aLaterSourceReplacesAnEarlierSourcesResourceOfTheSameKeyWithAWarning() throws IOException {
    Mesh.Builder b = Mesh.builder().configYaml("base.yaml", DR + "---\n" + vs("v1"))
        .source(TestSource.perResource("override", SourceUpdate.replaceAll().manifest(VS, "override", vs("v2")).build()));
    b.registry(new ServiceRegistry().register("reviews", 9080, V1, V2));
    try (Mesh mesh = b.build()) {
      assertThat(target(mesh)).isEqualTo("10.0.0.2:9080");
      assertThat(mesh.warnings()).extracting(ConfigProblem::toString).anySatisfy(w -> assertThat(w)
          .contains("VirtualService default/reviews of source override replaces the one of source base.yaml"));
    }
  }

  @Test
  void aFolderIsReadAsKubectlApplyReadsItALaterDocumentReplacesAnEarlierOne() throws IOException {
    Path samples = Path.of("src/test/resources/istio-samples/bookinfo");
    Files.copy(samples.resolve("destination-rule-all.yaml"), dir.resolve("1-destination-rule-all.yaml"));
    Files.copy(samples.resolve("fault-injection-details-v1.yaml"), dir.resolve("2-fault-injection-details-v1.yaml"));
    ServiceRegistry registry = new ServiceRegistry().register("details", 9080,
        Endpoint.of("10.0.1.1", 9080).withLabel("version", "v1"), Endpoint.of("10.0.1.2", 9080).withLabel("version", "v2"));
    try (Mesh mesh = Mesh.builder().configDirectory(dir).registry(registry).build()) {
      RecordingExchange.Result r = mesh.execute(MeshRequest.builder("http://details:9080/details/0").build(),
          new RecordingExchange());
      assertThat(r.target()).isEqualTo("reply 555 FI");
      assertThat(mesh.config().all(dev.mesh4j.api.config.DestinationRule.class))
          .filteredOn(d -> d.metadata().name().equals("details"))
          .singleElement().satisfies(d -> assertThat(d.subsets()).extracting(s -> s.name()).containsExactly("v1"));
      assertThat(mesh.warnings()).extracting(ConfigProblem::toString).anySatisfy(w -> assertThat(w)
          .startsWith(dir.resolve("2-fault-injection-details-v1.yaml") + "#2 metadata.name: DestinationRule default/details"
              + " replaces the one defined in " + dir.resolve("1-destination-rule-all.yaml") + "#4"));
    }
  }

  @Test
  void endpointOnlyChangesSwapClustersWithoutCompilingRoutes() throws IOException {
    TestSource k8s = TestSource.perResource("watched", SourceUpdate.replaceAll()
        .manifest(DR_KEY, "watched", DR).manifest(VS, "watched", vs("v2")).service(reviews(V1, V2)).build());
    try (Mesh mesh = Mesh.builder().source(k8s).build()) {
      assertThat(target(mesh)).isEqualTo("10.0.0.2:9080");
      CompiledVirtualService routes = mesh.snapshot().virtualService("reviews.default.svc.cluster.local");
      long version = mesh.version();

      Endpoint v2b = Endpoint.of("10.0.0.3", 9080).withLabel("version", "v2");
      k8s.apply(SourceUpdate.changes().service(reviews(V1, v2b)).build());

      assertThat(mesh.version()).isEqualTo(version + 1);
      assertThat(mesh.snapshot().virtualService("reviews.default.svc.cluster.local"))
          .as("the same compiled routes").isSameAs(routes);
      assertThat(target(mesh)).isEqualTo("10.0.0.3:9080");
      assertThat(mesh.describe().clusters()).filteredOn(c -> "v2".equals(c.subset()))
          .singleElement().satisfies(c -> assertThat(c.endpoints()).extracting(e -> e.address())
              .containsExactly("10.0.0.3:9080"));

      // A new port is no longer an endpoint-only change: routes are compiled again.
      k8s.apply(SourceUpdate.changes().service(ServiceEndpoints.builder("reviews", "default")
          .port(new ServicePort(9080, "HTTP", "http", null)).port(new ServicePort(9081, "HTTP", "http-admin", null))
          .endpoint(9080, V1, v2b).build()).build());
      assertThat(mesh.snapshot().virtualService("reviews.default.svc.cluster.local")).isNotSameAs(routes);
    }
  }

  @Test
  void aRegistryServiceGainingAPortIsCompiledAgainNotJustItsEndpoints() throws IOException {
    ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080, V1, V2);
    try (Mesh mesh = Mesh.builder().configYaml(DR + "---\n" + vs("v2")).registry(registry).build()) {
      CompiledVirtualService routes = mesh.snapshot().virtualService("reviews.default.svc.cluster.local");
      registry.register("reviews", 9080, V2, Endpoint.of("10.0.0.3", 9080).withLabel("version", "v2"));
      assertThat(mesh.snapshot().virtualService("reviews.default.svc.cluster.local")).isSameAs(routes);

      registry.register("reviews", 9443, V2);
      assertThat(mesh.snapshot().virtualService("reviews.default.svc.cluster.local")).isNotSameAs(routes);
      assertThat(mesh.execute(MeshRequest.builder("http://reviews:9443/").build(), new RecordingExchange()).target())
          .isEqualTo("10.0.0.2:9080");
    }
  }

  @Test
  void servicesDeclaredInCodeWinOverAWatchedSourcesServiceOfTheSameHost() throws IOException {
    TestSource k8s = TestSource.perResource("watched", SourceUpdate.replaceAll().service(reviews(V1)).build());
    ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080, V2);
    try (Mesh mesh = Mesh.builder().source(k8s).registry(registry).build()) {
      assertThat(target(mesh)).isEqualTo("10.0.0.2:9080");
      k8s.apply(SourceUpdate.changes().service(reviews(Endpoint.of("10.0.0.9", 9080))).build());
      assertThat(target(mesh)).as("the overridden service's change does not count").isEqualTo("10.0.0.2:9080");
      registry.deregister("reviews");
      assertThat(target(mesh)).isEqualTo("10.0.0.9:9080");
    }
  }

  @Test
  void buildingWaitsForASourcesInitialStateAndFailsClearlyAfterItsTimeout() {
    TestSource slow = TestSource.syncingLater("slow-control-plane", Duration.ofMillis(50));
    assertThatThrownBy(() -> Mesh.builder().source(slow).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("source slow-control-plane did not deliver its initial state within PT0.05S (STARTING)");
    assertThat(slow.isClosed()).as("a mesh that failed to build closes what it started").isTrue();

    TestSource lenient = TestSource.syncingLater("slow-control-plane", Duration.ofMillis(50));
    try (Mesh mesh = Mesh.builder().source(lenient).lenientStart(true).build()) {
      assertThat(mesh.sources()).extracting(SourceStatus::source, SourceStatus::state)
          .contains(org.assertj.core.groups.Tuple.tuple("slow-control-plane", SourceStatus.State.STARTING));
      lenient.apply(SourceUpdate.replaceAll().manifest(VS, "later", vs("v1")).build());
      lenient.context().synced();
      assertThat(mesh.config().resources()).hasSize(1);
      assertThat(mesh.sources().get(0).isHealthy()).isTrue();
    }
    assertThat(lenient.isClosed()).isTrue();
  }

  @Test
  void aSourcesNameAndStatusMessageCannotForgeALogLine() {
    // An API server's error text becomes a status message: it is peer data.
    MeshSource forging = new MeshSource() {
      @Override
      public String name() {
        return "kubernetes\n[main] INFO FORGED";
      }

      @Override
      public Duration initialSyncTimeout() {
        return Duration.ofMillis(50);
      }

      @Override
      public void start(SourceContext context) {
        context.status(SourceStatus.State.STALE, "pods is forbidden\r\n[main] INFO FORGED all good");
      }

      @Override
      public void close() {}
    };
    assertThatThrownBy(() -> Mesh.builder().source(forging).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("source kubernetes\\n[main] INFO FORGED did not deliver")
        .hasMessageContaining("STALE: pods is forbidden\\r\\n[main] INFO FORGED all good")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r"));
  }

  @Test
  void aSourceThatSyncsFromAnotherThreadIsWaitedFor() throws IOException {
    TestSource async = TestSource.syncingLater("async", Duration.ofSeconds(10));
    Thread t = new Thread(() -> {
      while (async.context() == null) {
        Thread.onSpinWait();
      }
      async.apply(SourceUpdate.replaceAll().manifest(DR_KEY, "async", DR).manifest(VS, "async", vs("v2"))
          .service(reviews(V1, V2)).build());
      async.context().synced();
    });
    t.start();
    try (Mesh mesh = Mesh.builder().source(async).build()) {
      assertThat(target(mesh)).isEqualTo("10.0.0.2:9080");
    }
  }

  @Test
  void configurationBuiltInCodeOrReadFromYamlIsAppliedAndReplacedAtomically() throws IOException {
    MeshConfig v1 = MeshConfig.fromYaml("reviews.yaml", DR + "---\n" + vs("v1").replace("namespace: default", ""));
    assertThat(v1.resources().get(1).metadata().namespace()).as("unset: the workload's, when applied").isEmpty();
    ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080, V1, V2);
    try (Mesh mesh = Mesh.builder().config(v1).registry(registry).build()) {
      assertThat(target(mesh)).isEqualTo("10.0.0.1:9080");
      assertThat(mesh.config().all(dev.mesh4j.api.config.VirtualService.class).get(0).metadata().namespace())
          .isEqualTo("default");

      mesh.apply(MeshConfig.fromYaml(DR + "---\n" + vs("v2")));
      assertThat(target(mesh)).isEqualTo("10.0.0.2:9080");

      assertThatThrownBy(() -> MeshConfig.fromYaml(vs("v1").replace("hosts: [reviews]", "hosts: reviews")))
          .isInstanceOf(MeshConfigException.class).hasMessageContaining("<yaml>#1 spec.hosts");
    }
  }

  @Test
  void aReloadAppliesAllFileSourcesTogetherOrNone() throws IOException {
    Path a = Files.createDirectory(dir.resolve("a"));
    Path b = Files.createDirectory(dir.resolve("b"));
    Files.writeString(a.resolve("dr.yaml"), DR);
    Files.writeString(b.resolve("vs.yaml"), vs("v1"));
    ServiceRegistry registry = new ServiceRegistry().register("reviews", 9080, V1, V2);
    try (Mesh mesh = Mesh.builder().configDirectory(a).configDirectory(b).registry(registry).build()) {
      Files.writeString(a.resolve("dr.yaml"), DR.replace("{version: v2}", "{version: v1}"));
      Files.writeString(b.resolve("vs.yaml"), vs("v2").replace("hosts: [reviews]", "hosts: reviews"));
      assertThatThrownBy(mesh::reload).isInstanceOf(MeshConfigException.class);
      assertThat(mesh.config().all(dev.mesh4j.api.config.DestinationRule.class).get(0).subset("v2").labels())
          .as("the valid folder's change waits for the other").containsEntry("version", "v2");

      Files.writeString(b.resolve("vs.yaml"), vs("v2"));
      mesh.reload();
      assertThat(target(mesh)).as("v2 now selects version v1").isEqualTo("10.0.0.1:9080");
    }
  }

  @Test
  void closingTheMeshClosesItsSources() {
    TestSource s = TestSource.perResource("watched", SourceUpdate.replaceAll().build());
    Mesh mesh = Mesh.builder().source(s).build();
    mesh.close();
    assertThat(s.isClosed()).isTrue();
    assertThat(mesh.sources()).extracting(SourceStatus::state).containsOnly(SourceStatus.State.CLOSED);
    assertThat(s.apply(SourceUpdate.changes().manifest(VS, "late", vs("v1")).build()).applied()).isFalse();
  }

  @Test
  void aManifestThatIsNotTheResourceItIsKeyedAsIsRejected() {
    TestSource k8s = TestSource.perResource("watched", SourceUpdate.replaceAll().build());
    try (Mesh mesh = Mesh.builder().source(k8s).build()) {
      SourceUpdate.Result r = k8s.apply(SourceUpdate.changes()
          .manifest(new ResourceKey("VirtualService", "default", "ratings"), "watched", vs("v1")).build());
      assertThat(r.rejected()).containsExactly(new ResourceKey("VirtualService", "default", "ratings"));
      assertThat(r.errors()).singleElement().asString()
          .contains("expected VirtualService default/ratings, found [VirtualService default/reviews]");
      assertThat(mesh.config().resources()).isEmpty();
    }
  }

  @Test
  void servicesOfASourceHaveTheirPortsProtocolsAndVisibility() throws IOException {
    TestSource k8s = TestSource.perResource("watched", SourceUpdate.replaceAll()
        .service(ServiceEndpoints.builder("reviews", "default").port(new ServicePort(9080, "HTTP", "http", null))
            .endpoint(9080, V1).build())
        .service(ServiceEndpoints.builder("private", "other").port(9080, "http").endpoint(9080, V2).exportTo(".").build())
        .build());
    try (Mesh mesh = Mesh.builder().source(k8s).build()) {
      assertThat(mesh.describe().services()).extracting(s -> s.host(), s -> s.source())
          .containsExactly(org.assertj.core.groups.Tuple.tuple("reviews.default.svc.cluster.local", "watched"));
      assertThat(mesh.execute(MeshRequest.builder("http://private.other:9080/").build(), new RecordingExchange())
          .target()).as("not exported to default: unknown, passed through").isEqualTo("passthrough");
    }
  }
}
