package dev.mesh4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.conformance.Transport.Client;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.LoopbackBackend;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * INDEX.md, {@code gateways/}: VirtualServices bound only to an ingress gateway
 * ({@code hosts: ["*"]}). A workload acting as that gateway gets their routes; an in-mesh client
 * gets none of them.
 */
abstract class GatewaysConformance extends Conformance {
  LoopbackBackend helloworld;
  LoopbackBackend httpbin;
  LoopbackBackend other;
  ServiceRegistry registry;

  @BeforeEach
  void start() {
    helloworld = LoopbackBackend.start("helloworld-v1", Map.of("app", "helloworld", "version", "v1"));
    httpbin = LoopbackBackend.start("httpbin-v1", Map.of("app", "httpbin", "version", "v1"));
    other = LoopbackBackend.start("greeter-v1", Map.of("app", "greeter", "version", "v1"));
    registry = new ServiceRegistry()
        .register("helloworld", 5000, helloworld.endpoint())
        .register("httpbin", 8000, httpbin.endpoint())
        .register("greeter", 5000, other.endpoint());
  }

  @AfterEach
  void stop() {
    helloworld.close();
    httpbin.close();
    other.close();
  }

  Mesh.Builder mesh(String file) {
    return Mesh.builder().configResource(Corpus.resource(file)).registry(registry)
        .random(RandomSource.seeded(3)).dnsRefreshInterval(Duration.ZERO);
  }

  @Test
  @Covers("gateways/helloworld-gateway.yaml")
  void helloworldGateway_routesHelloToHelloworldForTheGatewayOnly() throws IOException {
    try (Mesh mesh = mesh("gateways/helloworld-gateway.yaml").gateways("helloworld-gateway").build()) {
      Client client = client(mesh);
      for (String host : List.of("http://hello.example.com", "http://greeter:5000")) {
        Reply r = Http.get(client, host + "/hello");
        assertThat(r.backend()).as(host).isEqualTo("helloworld-v1");
        assertThat(helloworld.last().path()).isEqualTo("/hello");
        assertThat(helloworld.last().header("host")).isEqualTo(host.substring("http://".length()));
        for (String path : List.of("/", "/hello/", "/hello2", "/Hello")) {
          assertThat(Http.get(client, host + path).toString()).as(host + path).isEqualTo("404 NR \"\"");
        }
      }
      assertThat(other.requestCount()).isZero();
    }
    try (Mesh mesh = mesh("gateways/helloworld-gateway.yaml").build()) {
      Client client = client(mesh);
      assertThat(Http.get(client, "http://greeter:5000/hello").backend()).as("in-mesh: no route of the gateway")
          .isEqualTo("greeter-v1");
      assertThat(Http.get(client, "http://helloworld:5000/other").backend()).isEqualTo("helloworld-v1");
      Explanation e = mesh.explain(MeshRequest.builder("http://hello.example.com/hello").build());
      assertThat(e.virtualService()).isNull();
      assertThat(e.outcome().kind()).isEqualTo(Explanation.Outcome.Kind.PASSTHROUGH);
    }
  }

  @Test
  @Covers("gateways/httpbin-gateway.yaml")
  void httpbinGateway_routesEverythingToHttpbinForTheGatewayOnly() throws IOException {
    try (Mesh mesh = mesh("gateways/httpbin-gateway.yaml").gateways("httpbin-gateway").build()) {
      Client client = client(mesh);
      for (String url : List.of("http://httpbin.example.com/status/418", "http://greeter:5000/headers",
          "http://httpbin.example.com/")) {
        assertThat(Http.get(client, url).backend()).as(url).isEqualTo("httpbin-v1");
      }
      assertThat(httpbin.last().path()).isEqualTo("/");
      assertThat(other.requestCount()).isZero();
    }
    try (Mesh mesh = mesh("gateways/httpbin-gateway.yaml").build()) {
      Client client = client(mesh);
      assertThat(Http.get(client, "http://greeter:5000/headers").backend()).isEqualTo("greeter-v1");
      assertThat(mesh.explain(MeshRequest.builder("http://httpbin.example.com/status/418").build()).virtualService())
          .isNull();
    }
  }
}
