package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.cluster.ClusterKey;
import dev.mesh4j.core.internal.routing.CompiledVirtualService;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.TestSource;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A change of VirtualServices alone (a canary step applied with {@code kubectl apply}) keeps the
 * services, clusters and default routes and the compiled routes of every VirtualService that did
 * not change, and compiles only what changed — yet routes, warns and takes endpoint updates
 * exactly as a mesh compiled from scratch.
 */
class RoutesOnlyCompileTest {
  static final String REVIEWS = "reviews.default.svc.cluster.local";
  static final String RATINGS = "ratings.default.svc.cluster.local";
  static final ClusterKey REVIEWS_V1 = new ClusterKey(REVIEWS, "v1", 9080);

  static String dr(String host) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: %1$s, namespace: default}
        spec:
          host: %1$s
          subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
        """.formatted(host);
  }

  static String vs(String host, String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %1$s, namespace: default}
        spec:
          hosts: [%1$s]
          http: [{route: [{destination: {host: %1$s, subset: %2$s}}]}]
        """.formatted(host, subset);
  }

  static ResourceKey key(String kind, String name) {
    return new ResourceKey(kind, "default", name);
  }

  static ServiceEndpoints service(String host, String v1, String v2) {
    return ServiceEndpoints.builder(host, "default").port(new ServicePort(9080, "HTTP", "http", null))
        .endpoint(9080, Endpoint.of(v1, 9080).withLabel("version", "v1"),
            Endpoint.of(v2, 9080).withLabel("version", "v2"))
        .build();
  }

  static SourceUpdate initial() {
    return SourceUpdate.replaceAll()
        .manifest(key("DestinationRule", "reviews"), "k8s", dr("reviews"))
        .manifest(key("DestinationRule", "ratings"), "k8s", dr("ratings"))
        .manifest(key("VirtualService", "reviews"), "k8s", vs("reviews", "v1"))
        .manifest(key("VirtualService", "ratings"), "k8s", vs("ratings", "v1"))
        .service(service("reviews", "10.0.0.1", "10.0.0.2"))
        .service(service("ratings", "10.0.1.1", "10.0.1.2"))
        .build();
  }

  static String target(Mesh mesh, String url) throws IOException {
    return mesh.execute(MeshRequest.builder(url).build(), new RecordingExchange()).target();
  }

  @Test
  void aVirtualServiceChangeKeepsTheClustersAndTheOtherVirtualServicesCompiledRoutes() throws IOException {
    TestSource k8s = TestSource.perResource("k8s", initial());
    try (Mesh mesh = Mesh.builder().source(k8s).build()) {
      assertThat(target(mesh, "http://reviews:9080/")).isEqualTo("10.0.0.1:9080");
      Cluster cluster = mesh.snapshot().cluster(REVIEWS_V1);
      CompiledVirtualService reviews = mesh.snapshot().virtualService(REVIEWS);
      CompiledVirtualService ratings = mesh.snapshot().virtualService(RATINGS);
      long version = mesh.version();

      k8s.apply(SourceUpdate.changes().manifest(key("VirtualService", "reviews"), "k8s", vs("reviews", "v2")).build());

      assertThat(mesh.version()).isEqualTo(version + 1);
      assertThat(target(mesh, "http://reviews:9080/")).isEqualTo("10.0.0.2:9080");
      assertThat(target(mesh, "http://ratings:9080/")).isEqualTo("10.0.1.1:9080");
      assertThat(mesh.snapshot().cluster(REVIEWS_V1)).as("clusters kept").isSameAs(cluster);
      assertThat(mesh.snapshot().virtualService(RATINGS)).as("unchanged routes kept").isSameAs(ratings);
      assertThat(mesh.snapshot().virtualService(REVIEWS)).as("the changed one compiled").isNotSameAs(reviews);
    }
  }

  @Test
  void aDestinationRuleInTheSameUpdateCompilesEverything() throws IOException {
    TestSource k8s = TestSource.perResource("k8s", initial());
    try (Mesh mesh = Mesh.builder().source(k8s).build()) {
      Cluster cluster = mesh.snapshot().cluster(REVIEWS_V1);
      CompiledVirtualService ratings = mesh.snapshot().virtualService(RATINGS);

      k8s.apply(SourceUpdate.changes()
          .manifest(key("VirtualService", "reviews"), "k8s", vs("reviews", "v2"))
          .manifest(key("DestinationRule", "reviews"), "k8s", dr("reviews").replace("{version: v2}", "{version: v1}"))
          .build());

      assertThat(mesh.snapshot().cluster(REVIEWS_V1)).isNotSameAs(cluster);
      assertThat(mesh.snapshot().virtualService(RATINGS)).isNotSameAs(ratings);
      assertThat(target(mesh, "http://reviews:9080/")).as("v2 now selects version v1").isEqualTo("10.0.0.1:9080");
    }
  }

  @Test
  void endpointsChangedWithTheVirtualServiceOrAfterItReachTheNewRoutes() throws IOException {
    TestSource k8s = TestSource.perResource("k8s", initial());
    try (Mesh mesh = Mesh.builder().source(k8s).build()) {
      Cluster cluster = mesh.snapshot().cluster(REVIEWS_V1);

      k8s.apply(SourceUpdate.changes()
          .manifest(key("VirtualService", "reviews"), "k8s", vs("reviews", "v2"))
          .service(service("reviews", "10.0.0.1", "10.0.0.3"))
          .build());
      assertThat(target(mesh, "http://reviews:9080/")).isEqualTo("10.0.0.3:9080");
      assertThat(mesh.snapshot().cluster(REVIEWS_V1).key()).isEqualTo(cluster.key());

      k8s.apply(SourceUpdate.changes().service(service("reviews", "10.0.0.1", "10.0.0.4")).build());
      assertThat(target(mesh, "http://reviews:9080/")).isEqualTo("10.0.0.4:9080");

      k8s.apply(SourceUpdate.changes().manifest(key("VirtualService", "reviews"), "k8s", vs("reviews", "v1")).build());
      k8s.apply(SourceUpdate.changes().service(service("reviews", "10.0.0.5", "10.0.0.4")).build());
      assertThat(target(mesh, "http://reviews:9080/")).isEqualTo("10.0.0.5:9080");
    }
  }

  @Test
  void warningsAreThoseOfAMeshCompiledFromScratch() throws IOException {
    TestSource k8s = TestSource.perResource("k8s", initial());
    try (Mesh mesh = Mesh.builder().source(k8s).build()) {
      // An undefined subset and an unknown host: warnings of route compilation and of claiming.
      String bad = vs("reviews", "v3").replace("hosts: [reviews]", "hosts: [reviews, nowhere.example.com]");
      k8s.apply(SourceUpdate.changes().manifest(key("VirtualService", "reviews"), "k8s", bad).build());

      TestSource fresh = TestSource.perResource("k8s", SourceUpdate.replaceAll()
          .manifest(key("DestinationRule", "reviews"), "k8s", dr("reviews"))
          .manifest(key("DestinationRule", "ratings"), "k8s", dr("ratings"))
          .manifest(key("VirtualService", "reviews"), "k8s", bad)
          .manifest(key("VirtualService", "ratings"), "k8s", vs("ratings", "v1"))
          .service(service("reviews", "10.0.0.1", "10.0.0.2"))
          .service(service("ratings", "10.0.1.1", "10.0.1.2"))
          .build());
      try (Mesh scratch = Mesh.builder().source(fresh).build()) {
        assertThat(mesh.snapshot().warnings()).isNotEmpty().isEqualTo(scratch.snapshot().warnings());
      }

      k8s.apply(SourceUpdate.changes().manifest(key("VirtualService", "reviews"), "k8s", vs("reviews", "v1")).build());
      try (Mesh scratch = Mesh.builder().source(TestSource.perResource("k8s", initial())).build()) {
        assertThat(mesh.snapshot().warnings()).as("the warnings go with the VirtualService")
            .isEqualTo(scratch.snapshot().warnings());
      }
    }
  }

  @Test
  void aDelegateChangeReachesTheRootThatInlinesIt() throws IOException {
    String root = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: root, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - match: [{uri: {prefix: /api}}]
            delegate: {name: leaf, namespace: default}
          - route: [{destination: {host: reviews, subset: v1}}]
        """;
    String leaf = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: leaf, namespace: default}
        spec:
          http: [{route: [{destination: {host: reviews, subset: %s}}]}]
        """;
    TestSource k8s = TestSource.perResource("k8s", SourceUpdate.replaceAll()
        .manifest(key("DestinationRule", "reviews"), "k8s", dr("reviews"))
        .manifest(key("VirtualService", "root"), "k8s", root)
        .manifest(key("VirtualService", "leaf"), "k8s", leaf.formatted("v1"))
        .service(service("reviews", "10.0.0.1", "10.0.0.2"))
        .build());
    try (Mesh mesh = Mesh.builder().source(k8s).build()) {
      assertThat(target(mesh, "http://reviews:9080/api/x")).isEqualTo("10.0.0.1:9080");
      Cluster cluster = mesh.snapshot().cluster(REVIEWS_V1);

      k8s.apply(SourceUpdate.changes().manifest(key("VirtualService", "leaf"), "k8s", leaf.formatted("v2")).build());

      assertThat(target(mesh, "http://reviews:9080/api/x")).isEqualTo("10.0.0.2:9080");
      assertThat(target(mesh, "http://reviews:9080/other")).isEqualTo("10.0.0.1:9080");
      assertThat(mesh.snapshot().cluster(REVIEWS_V1)).isSameAs(cluster);
    }
  }

  @Test
  void aDeletedVirtualServiceLeavesItsHostToTheDefaultRoute() throws IOException {
    TestSource k8s = TestSource.perResource("k8s", initial());
    try (Mesh mesh = Mesh.builder().source(k8s).build()) {
      k8s.apply(SourceUpdate.changes().delete(key("VirtualService", "ratings")).build());
      assertThat(mesh.snapshot().virtualService(RATINGS)).isNull();
      assertThat(mesh.explain(MeshRequest.builder("http://ratings:9080/").build()).toString())
          .contains("default");
      assertThat(target(mesh, "http://ratings:9080/")).isIn("10.0.1.1:9080", "10.0.1.2:9080");
    }
  }
}
