package dev.mesh4j.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.IstioPeerHeaders;
import dev.mesh4j.core.testing.MeshCa;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The requests a starter application answers, in its Prometheus scrape as its sidecar would report
 * them ({@code reporter="destination"}): a meshed client with a workload identity calls reviews
 * served on {@code server.ssl.bundle=mesh}, and the scrape names the client's SPIFFE ID, reviews'
 * own and {@code mutual_tls}; plain-text requests say {@code none}. Servlet (Tomcat) and WebFlux
 * (Reactor Netty) alike. Shared by both Boot lines.
 */
class MeshInboundTelemetryIntegrationTest {
  static final String REVIEWS = MeshSslBundleIntegrationTest.REVIEWS;
  static final String PRODUCTPAGE = MeshSslBundleIntegrationTest.PRODUCTPAGE;

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("cluster.local");
  ConfigurableApplicationContext app;

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(Hello.class)
  static class ReviewsApp {}

  @RestController
  static class Hello {
    @GetMapping("/reviews/1")
    String reviews() {
      return "ok";
    }
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  int start(WebApplicationType type, boolean mutualTls) {
    List<String> properties = new ArrayList<>(List.of(
        "server.port=0", "server.address=127.0.0.1", "spring.application.name=reviews",
        "mesh.workload.name=reviews-v1", "mesh.workload.labels.app=reviews", "mesh.workload.labels.version=v1",
        "management.prometheus.metrics.export.enabled=true"));
    if (mutualTls) {
      Path certs = dir.resolve("certs");
      ca.write(certs, ca.issue(REVIEWS));
      properties.addAll(List.of("server.ssl.bundle=mesh", "mesh.identity.enabled=true",
          "mesh.identity.directory=" + certs));
    }
    app = new SpringApplicationBuilder(ReviewsApp.class).web(type)
        .properties(properties.toArray(new String[0])).run();
    return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
  }

  /** A meshed productpage with its workload identity, calling reviews over Istio's mutual TLS. */
  Mesh productpage(int port) {
    String rule = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec: {host: reviews, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}
        """;
    return Mesh.builder().registry(new ServiceRegistry().register("reviews", 9080,
        Endpoint.of("127.0.0.1", port).withPrincipal(REVIEWS))).configYaml(rule)
        .workloadName("productpage-v1").workloadLabel("app", "productpage").workloadLabel("version", "v1")
        .identity(ca.issue(PRODUCTPAGE).identity()).build();
  }

  void callOverMutualTls(int port, String path, int expected) throws IOException {
    try (Mesh mesh = productpage(port);
        Response r = MeshOkHttp.newClient(mesh).newCall(new Request.Builder().url("http://reviews:9080" + path)
            .build()).execute()) {
      assertThat(r.code()).isEqualTo(expected);
    }
  }

  /** The scrape's {@code istio_requests_total} lines reported as the destination. */
  List<String> destinationRequests() {
    String scrape = app.getBean(PrometheusMeterRegistry.class).scrape();
    return scrape.lines().filter(l -> l.startsWith("istio_requests_total{") && l.contains("reporter=\"destination\""))
        .toList();
  }

  void assertMutualTlsSeries(String code) {
    // Recorded when the server's chain completes, which may be just after the client has the response.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(destinationRequests()).hasSize(1));
    assertThat(destinationRequests()).singleElement().satisfies(line -> assertThat(line).contains(
        "source_principal=\"" + PRODUCTPAGE + "\"",
        "source_workload_namespace=\"default\"",
        "destination_principal=\"" + REVIEWS + "\"",
        "connection_security_policy=\"mutual_tls\"",
        "destination_workload=\"reviews-v1\"",
        "destination_workload_namespace=\"default\"",
        "destination_app=\"reviews\"",
        "destination_version=\"v1\"",
        "destination_service=\"reviews.default.svc.cluster.local\"",
        "destination_service_name=\"reviews\"",
        "destination_service_namespace=\"default\"",
        "destination_canonical_service=\"reviews\"",
        "destination_canonical_revision=\"v1\"",
        // What the meshed client said it is, in its peer metadata.
        "source_workload=\"productpage-v1\"",
        "source_app=\"productpage\"",
        "source_version=\"v1\"",
        "source_canonical_service=\"productpage\"",
        "source_canonical_revision=\"v1\"",
        "source_cluster=\"Kubernetes\"",
        "request_protocol=\"http\"",
        "response_code=\"" + code + "\"",
        "response_flags=\"-\"",
        "grpc_response_status=\"\"").endsWith(" 1.0"));
    String scrape = app.getBean(PrometheusMeterRegistry.class).scrape();
    assertThat(scrape.lines().filter(l -> l.startsWith("istio_request_duration_milliseconds_count{")
        && l.contains("reporter=\"destination\"") && l.contains("source_principal=\"" + PRODUCTPAGE + "\"")))
        .singleElement().satisfies(l -> assertThat(l).endsWith(" 1"));
  }

  @Test
  void aServletApplicationReportsTheRequestsItAnswersOverMutualTlsAsTheDestination() throws IOException {
    int port = start(WebApplicationType.SERVLET, true);
    callOverMutualTls(port, "/reviews/1", 200);
    assertMutualTlsSeries("200");
  }

  @Test
  void aWebFluxApplicationReportsTheRequestsItAnswersOverMutualTlsAsTheDestination() throws IOException {
    int port = start(WebApplicationType.REACTIVE, true);
    callOverMutualTls(port, "/nothing-here", 404);
    assertMutualTlsSeries("404");
  }

  @Test
  void plainTextRequestsHaveNoPrincipalsAndThePolicyNone() throws IOException {
    for (WebApplicationType type : List.of(WebApplicationType.SERVLET, WebApplicationType.REACTIVE)) {
      int port = start(type, false);
      try (Response r = new OkHttpClient().newCall(new Request.Builder()
          .url("http://127.0.0.1:" + port + "/reviews/1").header("Host", "reviews:9080").build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(destinationRequests()).hasSize(1));
      assertThat(destinationRequests()).as(type.name()).singleElement().satisfies(line -> assertThat(line).contains(
          "source_principal=\"unknown\"", "source_workload_namespace=\"unknown\"",
          "destination_principal=\"unknown\"", "connection_security_policy=\"none\"",
          "destination_service=\"reviews.default.svc.cluster.local\"", "response_code=\"200\""));
      app.close();
      app = null;
    }
  }

  /** A plain-text request from a sidecar'd caller: its sidecar adds its workload's metadata. */
  void callFromSidecar(int port, String metadata) throws IOException {
    try (Response r = new OkHttpClient().newCall(new Request.Builder()
        .url("http://127.0.0.1:" + port + "/reviews/1").header("Host", "reviews:9080")
        .header("x-envoy-peer-metadata-id", "sidecar~10.52.0.34~productpage-v1-84975bc778-pxz2w.default~default.svc.cluster.local")
        .header("x-envoy-peer-metadata", metadata).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("ok");
    }
  }

  @Test
  void aSidecardCallersMetadataNamesTheSourceInServletAndWebFluxAlike() throws IOException {
    for (WebApplicationType type : List.of(WebApplicationType.SERVLET, WebApplicationType.REACTIVE)) {
      int port = start(type, false);
      callFromSidecar(port, IstioPeerHeaders.PRODUCTPAGE_CLIENT);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(destinationRequests()).hasSize(1));
      assertThat(destinationRequests()).as(type.name()).singleElement().satisfies(line -> assertThat(line).contains(
          // istio/proxy's test productpage-v1 sidecar, as its metadata names it.
          "source_workload=\"productpage-v1\"", "source_workload_namespace=\"default\"",
          "source_app=\"productpage\"", "source_version=\"v1\"",
          "source_canonical_service=\"productpage-v1\"", "source_canonical_revision=\"version-1\"",
          "source_cluster=\"client-cluster\"",
          // Claimed, not proven: no certificate, so no principal and no mutual TLS.
          "source_principal=\"unknown\"", "connection_security_policy=\"none\"",
          "destination_workload=\"reviews-v1\""));
      app.close();
      app = null;
    }
  }

  @Test
  void aMalformedCallerMetadataIsNoMetadataAndTheRequestIsServed() throws IOException {
    for (WebApplicationType type : List.of(WebApplicationType.SERVLET, WebApplicationType.REACTIVE)) {
      int port = start(type, false);
      callFromSidecar(port, "not//base64!");
      callFromSidecar(port, "CgUKA05BTUU");  // a truncated Struct
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(destinationRequests()).singleElement()
          .satisfies(line -> assertThat(line).endsWith(" 2.0")));
      assertThat(destinationRequests()).as(type.name()).singleElement().satisfies(line -> assertThat(line).contains(
          "source_workload=\"unknown\"", "source_app=\"unknown\"", "source_cluster=\"unknown\"",
          "source_canonical_revision=\"latest\""));
      app.close();
      app = null;
    }
  }
}
