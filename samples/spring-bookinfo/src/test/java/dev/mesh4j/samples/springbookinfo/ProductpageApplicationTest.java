package dev.mesh4j.samples.springbookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The sample running on a random port: a request with {@code end-user: jason} reaches reviews v2
 * one hop down though productpage copies no header; anyone else gets the canary split.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProductpageApplicationTest {
  static final String TRACE_ID = "463ac35c9f6413ad48485a3953bb6124";
  static final String TRACEPARENT = "00-" + TRACE_ID + "-a2fb4a1d1a96d312-01";

  final HttpClient http = HttpClient.newHttpClient();

  @Value("${local.server.port}")
  int port;

  @Value("${local.management.port}")
  int managementPort;

  @Autowired
  Backends backends;

  String productpage(Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/productpage"));
    headers.forEach(b::header);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void jasonReachesReviewsV2AndTheInboundContextGoesOneHopDown() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(productpage(Map.of("end-user", "jason", "x-request-id", "rid-" + i, "traceparent", TRACEPARENT)))
          .isEqualTo("productpage-v1 <- reviews-v2, ratings-v1");
    }
    Map<String, String> atReviews = backends.pod("reviews-v2").lastHeaders();
    assertThat(atReviews).containsEntry("end-user", "jason").containsEntry("x-request-id", "rid-19")
        .containsEntry("host", "reviews:9080").containsKey("traceparent");
    Map<String, String> atRatings = backends.pod("ratings-v1").lastHeaders();
    assertThat(atRatings).containsEntry("end-user", "jason").containsEntry("x-request-id", "rid-19");
    assertThat(atReviews.get("traceparent")).as("the caller's trace continues").contains(TRACE_ID);
    assertThat(atRatings.get("traceparent")).contains(TRACE_ID);
  }

  @Test
  void everyoneElseGetsTheCanarySplit() throws Exception {
    Map<String, Integer> seen = new TreeMap<>();
    int n = 400;
    for (int i = 0; i < n; i++) {
      String page = productpage(Map.of());
      seen.merge(page.replaceAll(".*<- (reviews-v\\d).*", "$1"), 1, Integer::sum);
    }
    assertThat(seen.keySet()).containsExactly("reviews-v1", "reviews-v2", "reviews-v3");
    // 10/10/80: each bound is more than five standard deviations from its expectation.
    assertThat(seen.get("reviews-v3")).isBetween(280, 360);
    assertThat(seen.get("reviews-v1")).isBetween(10, 75);
    assertThat(seen.get("reviews-v2")).isBetween(10, 75);
  }

  @Test
  void theMetricsShowTheV2Traffic() throws Exception {
    productpage(Map.of("end-user", "jason"));
    HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.body()).containsPattern(
        "(?m)^istio_requests_total\\{[^}]*destination_service_name=\"reviews\"[^}]*destination_version=\"v2\"");
  }

  @Test
  void theConsoleIsOnTheManagementPortWithTheCanaryLive() throws Exception {
    for (int i = 0; i < 20; i++) {
      productpage(Map.of());
    }
    assertThat(managementPort).isNotEqualTo(port);
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + managementPort + "/actuator/meshconsole")).header("Accept", "text/html").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>mesh4j console</title>");
    HttpResponse<String> state = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + managementPort + "/actuator/meshconsole/state")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(state.body()).contains("\"host\":\"reviews.default.svc.cluster.local\"")
        .contains("\"cluster\":\"outbound|9080|v3|reviews.default.svc.cluster.local\"");
    HttpResponse<String> notOnTheAppPort = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/actuator/meshconsole")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(notOnTheAppPort.statusCode()).isEqualTo(404);
  }
}
