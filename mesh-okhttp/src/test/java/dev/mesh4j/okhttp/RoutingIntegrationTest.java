package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.Binomial;
import dev.mesh4j.core.testing.LoopbackBackend;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing as an Istio sidecar does it, over real HTTP to loopback backends. */
class RoutingIntegrationTest {
  static final String SUBSETS = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
        - {name: v3, labels: {version: v3}}
      """;

  LoopbackBackend v1;
  LoopbackBackend v2;
  LoopbackBackend v3;
  ServiceRegistry registry;

  @BeforeEach
  void start() {
    v1 = LoopbackBackend.start("reviews-v1", Map.of("app", "reviews", "version", "v1"));
    v2 = LoopbackBackend.start("reviews-v2", Map.of("app", "reviews", "version", "v2"));
    v3 = LoopbackBackend.start("reviews-v3", Map.of("app", "reviews", "version", "v3"));
    registry = new ServiceRegistry().register("reviews", 9080, v1.endpoint(), v2.endpoint(), v3.endpoint());
  }

  @AfterEach
  void stop() {
    v1.close();
    v2.close();
    v3.close();
  }

  Mesh mesh(String yaml) {
    return Mesh.builder().configYaml(SUBSETS).configYaml(yaml).registry(registry)
        .random(RandomSource.seeded(42)).build();
  }

  static String get(OkHttpClient client, String url, String... headers) throws IOException {
    Request.Builder b = new Request.Builder().url(url);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try (Response r = client.newCall(b.build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  @Test
  void sendsEverySubsetV1RequestToTheV1PodKeepingTheLogicalHost() throws IOException {
    try (Mesh mesh = mesh("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v1}
        """)) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      for (int i = 0; i < 20; i++) {
        assertThat(get(client, "http://reviews:9080/reviews/1")).isEqualTo("200 reviews-v1");
      }
      assertThat(v1.requestCount()).isEqualTo(20);
      assertThat(v2.requestCount() + v3.requestCount()).isZero();
      assertThat(v1.last().header("host")).isEqualTo("reviews:9080");
      assertThat(v1.last().header("x-envoy-attempt-count")).isEqualTo("1");
      assertThat(v1.last().path()).isEqualTo("/reviews/1");
    }
  }

  @Test
  void splitsTrafficByWeightWithinBinomialTolerance() throws IOException {
    try (Mesh mesh = mesh("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v1}
              weight: 80
            - destination: {host: reviews, subset: v2}
              weight: 20
        """)) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      int n = 1000;
      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < n; i++) {
        counts.merge(get(client, "http://reviews:9080/"), 1, Integer::sum);
      }
      int toV1 = counts.getOrDefault("200 reviews-v1", 0);
      int toV2 = counts.getOrDefault("200 reviews-v2", 0);
      assertThat(toV1 + toV2).isEqualTo(n);
      assertThat(Math.abs(toV2 - n * 0.2)).isLessThanOrEqualTo(Binomial.tolerance(n, 0.2));
      assertThat(v3.requestCount()).isZero();
    }
  }

  @Test
  void routesByExactHeaderAndByQueryParameter() throws IOException {
    try (Mesh mesh = mesh("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match:
            - headers:
                end-user: {exact: jason}
            - queryParams:
                test-v2: {exact: "true"}
            route:
            - destination: {host: reviews, subset: v2}
          - route:
            - destination: {host: reviews, subset: v1}
        """)) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      assertThat(get(client, "http://reviews:9080/", "end-user", "jason")).isEqualTo("200 reviews-v2");
      assertThat(get(client, "http://reviews:9080/", "end-user", "Jason")).isEqualTo("200 reviews-v1");
      assertThat(get(client, "http://reviews:9080/?test-v2=true")).isEqualTo("200 reviews-v2");
      assertThat(get(client, "http://reviews:9080/?test-v2=TRUE")).isEqualTo("200 reviews-v1");
      assertThat(get(client, "http://reviews:9080/")).isEqualTo("200 reviews-v1");
    }
  }

  @Test
  void answersNoRouteWith404AndTheNrFlag() throws IOException {
    try (Mesh mesh = mesh("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{uri: {prefix: /api}}]
            route:
            - destination: {host: reviews, subset: v1}
        """)) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/other").build()).execute()) {
        assertThat(r.code()).isEqualTo(404);
        assertThat(r.header("x-mesh4j-flags")).isEqualTo("NR");
        assertThat(r.body().string()).isEmpty();
      }
      assertThat(v1.requestCount() + v2.requestCount() + v3.requestCount()).isZero();
    }
  }

  @Test
  void answersAnUndefinedSubsetWith503Nc() throws IOException {
    try (Mesh mesh = mesh("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v9}
        """)) {
      assertThat(mesh.warnings()).anySatisfy(w -> assertThat(w.toString())
          .contains("spec.http[0].route[0].destination.subset").contains("v9"));
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/").build()).execute()) {
        assertThat(r.code()).isEqualTo(503);
        assertThat(r.header("x-mesh4j-flags")).isEqualTo("NC");
      }
    }
  }

  @Test
  void passesUnknownHostsThroughUnderAllowAnyAndBlocksThemUnderRegistryOnly() throws IOException {
    try (LoopbackBackend outside = LoopbackBackend.start("outside")) {
      String url = "http://127.0.0.1:" + outside.port() + "/x";
      try (Mesh mesh = Mesh.builder().registry(registry).build()) {
        assertThat(get(MeshOkHttp.newClient(mesh), url)).isEqualTo("200 outside");
      }
      try (Mesh mesh = Mesh.builder().registry(registry)
          .outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY).build()) {
        OkHttpClient client = MeshOkHttp.newClient(mesh);
        try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
          assertThat(r.code()).isEqualTo(502);
          assertThat(r.body().string()).isEmpty();
        }
        // Known services still work under REGISTRY_ONLY.
        assertThat(get(client, "http://reviews:9080/")).startsWith("200 reviews-");
      }
      assertThat(outside.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void meshesAsynchronousCallsToo() throws Exception {
    try (Mesh mesh = mesh("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v3}
        """)) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      CompletableFuture<String> body = new CompletableFuture<>();
      client.newCall(new Request.Builder().url("http://reviews:9080/").build()).enqueue(new Callback() {
        @Override
        public void onFailure(Call call, IOException e) {
          body.completeExceptionally(e);
        }

        @Override
        public void onResponse(Call call, Response response) throws IOException {
          try (response) {
            body.complete(response.body().string());
          }
        }
      });
      assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("reviews-v3");
    }
  }

  @Test
  void retriesARefusedConnectionAsIstioDoesThenAnswers503Uf() throws IOException {
    int closedPort;
    try (LoopbackBackend gone = LoopbackBackend.start("gone")) {
      closedPort = gone.port();
    }
    ServiceRegistry r = new ServiceRegistry().register("ratings", 9080,
        dev.mesh4j.api.endpoint.Endpoint.of("127.0.0.1", closedPort));
    try (Mesh mesh = Mesh.builder().registry(r).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      try (Response resp = client.newCall(new Request.Builder().url("http://ratings:9080/").build()).execute()) {
        assertThat(resp.code()).isEqualTo(503);
        // Istio's default policy retries connect failures twice; the only endpoint refuses all three.
        assertThat(resp.header("x-mesh4j-flags")).isEqualTo("UF,URX");
        assertThat(resp.body().string()).isEqualTo("upstream connect error or disconnect/reset before headers."
            + " retried and the latest reset reason: remote connection failure");
      }
    }
  }
}
