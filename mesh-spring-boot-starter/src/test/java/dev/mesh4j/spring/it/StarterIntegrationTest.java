package dev.mesh4j.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The starter in a running servlet application (on a random port): inbound → outbound propagation
 * and routing through Boot's RestClient, @Async and WebClient, Istio metrics on
 * /actuator/prometheus, the mesh endpoint, the console and health. Shared by both Boot lines.
 */
@SpringBootTest(classes = StarterApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.application.name=productpage", "mesh.workload.labels.version=v1", "mesh.propagation.headers=end-user",
    "management.endpoints.web.exposure.include=mesh,meshconsole,health,prometheus",
    "management.endpoint.health.show-details=always",
    // Boot 3.5 turns metrics export off in tests unless asked.
    "management.prometheus.metrics.export.enabled=true"})
class StarterIntegrationTest {
  final OkHttpClient http = new OkHttpClient();

  @Value("${local.server.port}")
  int port;

  @AfterAll
  static void stopBackends() {
    StarterApp.REVIEWS.close();
  }

  String get(String path, Map<String, String> headers) throws IOException {
    Request.Builder b = new Request.Builder().url("http://127.0.0.1:" + port + path);
    headers.forEach(b::header);
    try (Response r = http.newCall(b.build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  @Test
  void theInboundUserRoutesTheOutboundCallWithNoHeaderCopied() throws IOException {
    assertThat(get("/productpage", Map.of())).isEqualTo("200 reviews-v1");
    assertThat(get("/productpage", Map.of("end-user", "jason", "x-request-id", "rid-42")))
        .isEqualTo("200 reviews-v2");
    assertThat(StarterApp.REVIEWS.v2.last().header("x-request-id")).isEqualTo("rid-42");
    assertThat(StarterApp.REVIEWS.v2.last().header("end-user")).isEqualTo("jason");
  }

  @Test
  void asyncTasksAndWebClientCallsCarryTheContextToo() throws IOException {
    assertThat(get("/async", Map.of("end-user", "jason"))).isEqualTo("200 reviews-v2");
    assertThat(get("/webclient", Map.of("end-user", "jason"))).isEqualTo("200 reviews-v2");
    assertThat(get("/webclient", Map.of())).isEqualTo("200 reviews-v1");
  }

  @Test
  void istioMetricsAppearOnThePrometheusScrape() throws IOException {
    get("/productpage", Map.of("end-user", "jason"));
    String scrape = get("/actuator/prometheus", Map.of());
    assertThat(scrape).containsPattern("(?m)^istio_requests_total\\{[^}]*destination_version=\"v2\"[^}]*} [1-9]");
    assertThat(scrape).containsPattern("(?m)^istio_requests_total\\{[^}]*reporter=\"source\"[^}]*source_app=\"productpage\"");
    assertThat(scrape).contains("istio_request_duration_milliseconds_bucket{").contains("le=\"0.5\"")
        .contains("istio_request_bytes_count{").contains("istio_response_bytes_sum{");
  }

  @Test
  void theMeshEndpointShowsTheConfigExplainsAndReportsReloads() throws IOException {
    String mesh = get("/actuator/mesh", Map.of());
    assertThat(mesh).startsWith("200 ").contains("\"outbound|9080|v2|reviews.default.svc.cluster.local\"")
        .contains("\"ejected\":false").contains("\"virtualService\":\"default/reviews\"")
        .contains("\"everLoaded\":true");
    String explain = get("/actuator/mesh/explain?url=http://reviews:9080/reviews/1&header=end-user:jason", Map.of());
    assertThat(explain).startsWith("200 ").contains("\"route\":\"http[0] (jason)\"")
        .contains("outbound|9080|v2|reviews.default.svc.cluster.local");
    assertThat(get("/actuator/mesh/explain", Map.of())).startsWith("400 ");
    assertThat(get("/actuator/mesh/reload", Map.of())).startsWith("200 ").contains("\"outcome\":\"loaded\"");
    assertThat(get("/actuator/mesh/nothing", Map.of())).startsWith("404 ");
  }

  @Test
  void theConsoleIsServedAsAnActuatorEndpointWithItsLiveDocumentAndExplain() throws IOException {
    Request.Builder page = new Request.Builder().url("http://127.0.0.1:" + port + "/actuator/meshconsole")
        .header("Accept", "text/html");
    try (Response r = http.newCall(page.build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("text/html");
      assertThat(r.body().string()).contains("<title>mesh4j console</title>").contains("Content-Security-Policy");
    }
    get("/productpage", Map.of("end-user", "jason"));
    String state = get("/actuator/meshconsole/state", Map.of());
    assertThat(state).startsWith("200 {").contains("\"host\":\"reviews.default.svc.cluster.local\"")
        .contains("\"cluster\":\"outbound|9080|v2|reviews.default.svc.cluster.local\"");
    assertThat(get("/actuator/meshconsole/explain?url=http://reviews:9080/reviews/1&header=end-user:jason", Map.of()))
        .startsWith("200 ").contains("outbound|9080|v2|reviews.default.svc.cluster.local");
    assertThat(get("/actuator/meshconsole/explain", Map.of())).startsWith("400 ").contains("explain needs a url");
    assertThat(get("/actuator/meshconsole/nothing", Map.of())).startsWith("404 ");
  }

  @Test
  void theHealthIndicatorIsUpWithTheConfigLoaded() throws IOException {
    assertThat(get("/actuator/health/mesh", Map.of())).startsWith("200 ").contains("\"status\":\"UP\"")
        .contains("\"clusters\":");
  }
}
