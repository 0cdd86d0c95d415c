package dev.mesh4j.core.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A gateway merges the VirtualServices bound to it for one host, as Istio's
 * {@code buildGatewayHTTPRouteConfig} does: routes of the oldest first, catch-alls last.
 */
class GatewayMergeTest {
  static final String SERVICES = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: shop}
      spec:
        host: shop
        subsets: [{name: a, labels: {v: a}}, {name: b, labels: {v: b}}, {name: c, labels: {v: c}}]
      ---
      """;

  static ServiceRegistry registry() {
    return new ServiceRegistry().register("shop", 80,
        Endpoint.of("10.0.0.1", 80).withLabel("v", "a"),
        Endpoint.of("10.0.0.2", 80).withLabel("v", "b"),
        Endpoint.of("10.0.0.3", 80).withLabel("v", "c"));
  }

  /** A VirtualService bound to {@code edge} whose routes are given as YAML list items. */
  static String vs(String name, String created, String http) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %s, creationTimestamp: "%s"}
        spec:
          hosts: [shop]
          gateways: [edge]
          http:
        %s
        ---
        """.formatted(name, created, http.indent(2));
  }

  static String to(String subset) {
    return "[{destination: {host: shop, subset: " + subset + "}}]";
  }

  static String target(Mesh mesh, String path) throws IOException {
    return mesh.execute(MeshRequest.builder("http://shop" + path).build(), new RecordingExchange()).target();
  }

  static Mesh gateway(String yaml) {
    return Mesh.builder().registry(registry()).gateways("edge").configYaml(SERVICES + yaml).build();
  }

  @Test
  void routesOfEveryVirtualServiceForTheHostApplyOldestFirst() throws IOException {
    try (Mesh mesh = gateway(vs("second", "2024-02-01T00:00:00Z", "- {match: [{uri: {exact: /foo}}], route: " + to("b") + "}\n"
        + "- {match: [{uri: {exact: /baz}}], route: " + to("b") + "}")
        + vs("first", "2024-01-01T00:00:00Z", "- {match: [{uri: {prefix: /foo}}], route: " + to("a") + "}\n"
            + "- {match: [{uri: {prefix: /bar}}], route: " + to("a") + "}"))) {
      assertThat(target(mesh, "/bar/1")).isEqualTo("10.0.0.1:80");
      assertThat(target(mesh, "/baz")).as("the newer VirtualService's routes apply too").isEqualTo("10.0.0.2:80");
      assertThat(target(mesh, "/foo")).as("the older VirtualService's route comes first").isEqualTo("10.0.0.1:80");
      assertThat(target(mesh, "/other")).isEqualTo("reply 404 NR");
      assertThat(mesh.warnings()).noneSatisfy(w -> assertThat(w.toString()).contains("already routed"));
    }
  }

  @Test
  void aCatchAllOfAnOlderVirtualServiceMovesBehindTheSpecificRoutesOfANewerOne() throws IOException {
    try (Mesh mesh = gateway(vs("first", "2024-01-01T00:00:00Z", "- {route: " + to("a") + "}")
        + vs("second", "2024-02-01T00:00:00Z", "- {match: [{uri: {prefix: /b}}], route: " + to("b") + "}"))) {
      assertThat(target(mesh, "/b/1")).isEqualTo("10.0.0.2:80");
      assertThat(target(mesh, "/other")).isEqualTo("10.0.0.1:80");
    }
  }

  @Test
  void matchesAfterAVirtualServicesFirstCatchAllAreDropped() throws IOException {
    // Istio stops translating a VirtualService at its first catch-all match; moving the catch-all
    // to the end must not bring the routes it shadowed back to life.
    try (Mesh mesh = gateway(vs("first", "2024-01-01T00:00:00Z",
        "- {match: [{uri: {prefix: /}}], route: " + to("a") + "}\n"
            + "- {match: [{uri: {prefix: /c}}], route: " + to("c") + "}")
        + vs("second", "2024-02-01T00:00:00Z", "- {match: [{uri: {prefix: /b}}], route: " + to("b") + "}"))) {
      assertThat(target(mesh, "/b")).isEqualTo("10.0.0.2:80");
      assertThat(target(mesh, "/c")).isEqualTo("10.0.0.1:80");
    }
  }

  @Test
  void aRouteWithASpecificAndACatchAllMatchIsSplit() throws IOException {
    try (Mesh mesh = gateway(vs("first", "2024-01-01T00:00:00Z",
        "- {match: [{uri: {prefix: /a}}, {uri: {prefix: /}}], route: " + to("a") + "}")
        + vs("second", "2024-02-01T00:00:00Z", "- {match: [{uri: {prefix: /b}}], route: " + to("b") + "}"))) {
      assertThat(target(mesh, "/a")).isEqualTo("10.0.0.1:80");
      assertThat(target(mesh, "/b")).isEqualTo("10.0.0.2:80");
      assertThat(target(mesh, "/z")).isEqualTo("10.0.0.1:80");
    }
  }

  @Test
  void aHeaderMatchOnTheRootPrefixIsNotACatchAll() throws IOException {
    try (Mesh mesh = gateway(vs("first", "2024-01-01T00:00:00Z",
        "- {match: [{uri: {prefix: /}, headers: {x: {exact: \"1\"}}}], route: " + to("a") + "}")
        + vs("second", "2024-02-01T00:00:00Z", "- {route: " + to("b") + "}"))) {
      assertThat(mesh.execute(MeshRequest.builder("http://shop/").header("x", "1").build(), new RecordingExchange())
          .target()).isEqualTo("10.0.0.1:80");
      assertThat(target(mesh, "/")).isEqualTo("10.0.0.2:80");
    }
  }

  @Test
  void sidecarsKeepOnlyTheOldestVirtualService() throws IOException {
    String yaml = vs("second", "2024-02-01T00:00:00Z", "- {match: [{uri: {prefix: /b}}], route: " + to("b") + "}")
        + vs("first", "2024-01-01T00:00:00Z", "- {match: [{uri: {prefix: /a}}], route: " + to("a") + "}");
    yaml = yaml.replace("gateways: [edge]", "gateways: [mesh]");
    try (Mesh mesh = Mesh.builder().registry(registry()).configYaml(SERVICES + yaml).build()) {
      assertThat(target(mesh, "/a")).isEqualTo("10.0.0.1:80");
      assertThat(target(mesh, "/b")).isEqualTo("reply 404 NR");
      assertThat(mesh.warnings()).anySatisfy(w -> assertThat(w.toString()).contains("already routed"));
    }
  }
}
