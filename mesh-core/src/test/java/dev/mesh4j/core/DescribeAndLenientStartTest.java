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
        assertThat(r.name()).isEqualTo("http[0]");
        assertThat(r.action()).isEqualTo(MeshSummary.Route.Action.FORWARD);
        assertThat(r.destinations()).containsExactly(
            new MeshSummary.Destination("reviews.default.svc.cluster.local", "v2", null, 100));
        assertThat(r.destinations().get(0)).hasToString("reviews.default.svc.cluster.local subset v2 weight 100");
        assertThat(r.fault()).isNull();
      });
      MeshSummary.Cluster v2 = summary.clusters().stream()
          .filter(c -> "v2".equals(c.subset())).findFirst().orElseThrow();
      assertThat(v2.name()).isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local");
      assertThat(v2.loadBalancer()).isNotEmpty();
      assertThat(v2.outlierDetection()).isNull();
      assertThat(v2.connectionPool()).isNull();
      assertThat(v2.tls()).isEqualTo("DISABLE");
      assertThat(v2.failure()).isNull();
      assertThat(v2.endpoints()).singleElement().satisfies(e -> {
        assertThat(e.address()).isEqualTo("10.0.0.2:9080");
        assertThat(e.labels()).containsEntry("version", "v2");
        assertThat(e.ejected()).isFalse();
      });
    }
  }

  @Test
  void describeShowsCircuitBreakingFaultsAndHowLongAnEjectedEndpointStaysOut() throws Exception {
    dev.mesh4j.core.testing.FakeClock clock = new dev.mesh4j.core.testing.FakeClock();
    Endpoint bad = Endpoint.of("10.0.0.1", 9080).withLabel("version", "v1");
    try (Mesh mesh = Mesh.builder().configYaml("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              trafficPolicy:
                connectionPool: {http: {http1MaxPendingRequests: 2}}
                outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100}
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - name: slow-jason
                match: [{headers: {end-user: {exact: jason}}}]
                fault: {delay: {fixedDelay: 7s, percentage: {value: 100}}}
                route: [{destination: {host: reviews}}]
              - route: [{destination: {host: reviews}, weight: 90}, {destination: {host: reviews, port: {number: 9080}}, weight: 10}]
              - redirect: {uri: /elsewhere}
            """)
        .registry(new ServiceRegistry().register("reviews", 9080, bad))
        .ticker(clock).scheduler(clock).sleeper(clock).dnsRefreshInterval(java.time.Duration.ZERO).build()) {
      MeshSummary.Service service = mesh.describe().services().get(0);
      assertThat(service.routes()).extracting(MeshSummary.Route::route, MeshSummary.Route::name,
              MeshSummary.Route::action, MeshSummary.Route::fault)
          .containsExactly(
              org.assertj.core.api.Assertions.tuple("http[0] (slow-jason)", "slow-jason", MeshSummary.Route.Action.FORWARD,
                  "delay 7s for 100.0%"),
              org.assertj.core.api.Assertions.tuple("http[1]", "http[1]", MeshSummary.Route.Action.FORWARD, null),
              org.assertj.core.api.Assertions.tuple("http[2]", "http[2]", MeshSummary.Route.Action.REDIRECT, null));
      assertThat(service.routes().get(1).destinations()).extracting(MeshSummary.Destination::port,
          MeshSummary.Destination::weight).containsExactly(
              org.assertj.core.api.Assertions.tuple(null, 90), org.assertj.core.api.Assertions.tuple(9080, 10));
      assertThat(service.routes().get(2).destinations()).isEmpty();

      MeshSummary.Cluster cluster = mesh.describe().clusters().get(0);
      assertThat(cluster.outlierDetection()).startsWith("consecutive5xxErrors 1, interval 1s, baseEjectionTime 30s");
      assertThat(cluster.connectionPool()).contains("http1MaxPendingRequests 2");
      assertThat(cluster.endpoints().get(0).ejections()).isZero();

      mesh.execute(dev.mesh4j.core.http.MeshRequest.builder("http://reviews:9080/r").build(),
          new dev.mesh4j.core.testing.ScriptedExchange(clock, dev.mesh4j.core.testing.ScriptedExchange.Step.status(503)));
      clock.advance(java.time.Duration.ofSeconds(10));
      MeshSummary.Endpoint ejected = mesh.describe().clusters().get(0).endpoints().get(0);
      assertThat(ejected.ejected()).isTrue();
      assertThat(ejected.ejections()).isEqualTo(1);
      assertThat(ejected.ejectionTimeLeft()).isEqualTo(java.time.Duration.ofSeconds(20));

      clock.advance(java.time.Duration.ofSeconds(21));
      MeshSummary.Endpoint back = mesh.describe().clusters().get(0).endpoints().get(0);
      assertThat(back.ejected()).isFalse();
      assertThat(back.ejections()).isEqualTo(1);
      assertThat(back.ejectionTimeLeft()).isZero();
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
