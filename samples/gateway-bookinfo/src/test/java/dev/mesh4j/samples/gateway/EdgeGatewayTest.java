package dev.mesh4j.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.Binomial;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The edge over real HTTP: a plain (unmeshed) client plays the browser, the edge routes through
 * the mesh acting as {@code bookinfo-gateway}, loopback pods answer with their version.
 */
class EdgeGatewayTest {
  static final int REQUESTS = 1_000;

  /** The canary with a route first for one user, as testers reach a canary before everyone. */
  static final String CANARY_FOR_JASON = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: bookinfo}
      spec:
        hosts: ["*"]
        gateways: [bookinfo-gateway]
        http:
        - match: [{uri: {exact: /productpage}, headers: {end-user: {exact: jason}}}]
          route: [{destination: {host: productpage, subset: v2, port: {number: 9080}}}]
        - match: [{uri: {exact: /productpage}}]
          route:
          - {destination: {host: productpage, subset: v1, port: {number: 9080}}, weight: 90}
          - {destination: {host: productpage, subset: v2, port: {number: 9080}}, weight: 10}
      """;

  /** A VirtualService of the mesh (no gateways): sidecars apply it, the gateway must not. */
  static final String ALL_V2_IN_MESH = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: productpage}
      spec:
        hosts: [productpage]
        http:
        - route: [{destination: {host: productpage, subset: v2}}]
      """;

  final OkHttpClient browser = new OkHttpClient.Builder().followRedirects(false).build();
  GatewayBookinfo bookinfo;

  @AfterEach
  void stop() {
    if (bookinfo != null) {
      bookinfo.close();
    }
    browser.dispatcher().executorService().shutdown();
    browser.connectionPool().evictAll();
  }

  GatewayBookinfo start(MeshConfig config, long seed) throws IOException {
    bookinfo = GatewayBookinfo.start(config, RandomSource.seeded(seed), 0);
    return bookinfo;
  }

  /** Versions that answered {@code n} GETs of {@code path}, counted by the header the pods set. */
  Map<String, Integer> versions(int n, String path, String endUser) throws IOException {
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Request.Builder b = new Request.Builder().url(bookinfo.edge().uri() + path);
      if (endUser != null) {
        b.header("end-user", endUser);
      }
      try (Response r = browser.newCall(b.build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        String version = r.header(ProductpagePod.VERSION_HEADER);
        assertThat(r.body().string()).contains("productpage " + version);
        seen.merge(version, 1, Integer::sum);
      }
    }
    return seen;
  }

  @Test
  void theCanarySendsAboutOneBrowserRequestInTenToV2() throws IOException {
    start(GatewayBookinfo.config(), 18);
    Map<String, Integer> seen = versions(REQUESTS, "/productpage", null);
    int v2 = seen.getOrDefault("v2", 0);
    assertThat(seen.get("v1") + v2).isEqualTo(REQUESTS);
    assertThat(Binomial.plausible(v2, REQUESTS, 0.10)).as("v2 answered %d of %d", v2, REQUESTS).isTrue();
    assertThat(bookinfo.v1().requests()).isEqualTo((long) seen.get("v1"));
    assertThat(bookinfo.v2().requests()).isEqualTo((long) v2);
  }

  @Test
  void aHeaderRuleOfTheGatewaysVirtualServiceAppliesToBrowserTraffic() throws IOException {
    start(GatewayBookinfo.applied(GatewayBookinfo.config(), MeshConfig.fromYaml(CANARY_FOR_JASON)), 18);
    assertThat(versions(200, "/productpage", "jason")).isEqualTo(Map.of("v2", 200));
    Map<String, Integer> others = versions(400, "/productpage", "alice");
    assertThat(Binomial.plausible(others.getOrDefault("v2", 0), 400, 0.10)).as("others: %s", others).isTrue();
  }

  @Test
  void aVirtualServiceOfTheMeshIsNotAppliedToGatewayTraffic() throws IOException {
    start(GatewayBookinfo.applied(GatewayBookinfo.config(), MeshConfig.fromYaml(ALL_V2_IN_MESH)), 18);
    Map<String, Integer> seen = versions(400, "/productpage", null);
    assertThat(Binomial.plausible(seen.getOrDefault("v2", 0), 400, 0.10)).as("%s", seen).isTrue();
    Explanation e = bookinfo.mesh().explain(MeshRequest.builder("http://productpage:9080/productpage").build());
    assertThat(e.virtualService()).isEqualTo("default/bookinfo");
  }

  @Test
  void onlyThePathsBookinfoGatewayRoutesGoThrough() throws IOException {
    start(GatewayBookinfo.config(), 18);
    for (String path : new String[] {"/health", "/", "/productpage/1", "/admin"}) {
      try (Response r = browser.newCall(new Request.Builder().url(bookinfo.edge().uri() + path).build()).execute()) {
        assertThat(r.code()).as(path).isEqualTo(404);
        assertThat(r.header("x-mesh4j-flags")).isEqualTo("NR");
      }
    }
    assertThat(bookinfo.v1().requests() + bookinfo.v2().requests()).isZero();
  }

  @Test
  void theRequestGoesUpstreamAsAGatewayEnvoyForwardsAnExternalRequest() throws IOException {
    start(GatewayBookinfo.config(), 18);
    String response = raw("""
        GET /productpage?u=normal&next=%2Fproductpage HTTP/1.1\r
        Host: bookinfo.example.com:31380\r
        X-Forwarded-For: 203.0.113.7\r
        X-Forwarded-Proto: https\r
        X-Request-Id: chosen-by-the-client\r
        X-Envoy-Retry-On: 5xx\r
        X-Forwarded-Client-Cert: By=spiffe://forged\r
        Keep-Alive: timeout=5\r
        Proxy-Connection: keep-alive\r
        X-Hop: drop-me\r
        Connection: close\r
        Connection: X-Hop\r
        traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r
        Cookie: session=abc\r
        \r
        """);
    assertThat(response).startsWith("HTTP/1.1 200");
    ProductpagePod.Received got = (bookinfo.v1().last() != null ? bookinfo.v1() : bookinfo.v2()).last();
    assertThat(got.method()).isEqualTo("GET");
    assertThat(got.pathAndQuery()).isEqualTo("/productpage?u=normal&next=%2Fproductpage");
    assertThat(got.header("host")).isEqualTo("bookinfo.example.com:31380");
    assertThat(got.header("x-forwarded-for")).isEqualTo("203.0.113.7, 127.0.0.1");
    assertThat(got.header("x-forwarded-proto")).isEqualTo("http");
    assertThat(got.header("x-request-id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(got.headers().get("traceparent")).singleElement().asString()
        .startsWith("00-0af7651916cd43dd8448eb211c80319c-");
    assertThat(got.header("cookie")).isEqualTo("session=abc");
    assertThat(got.headers()).doesNotContainKeys("x-envoy-retry-on", "x-forwarded-client-cert", "keep-alive",
        "proxy-connection", "x-hop");
    // The response streams back with the pod's headers.
    assertThat(response).containsIgnoringCase("set-cookie: productpage-version=")
        .containsIgnoringCase(ProductpagePod.VERSION_HEADER + ": v").contains("The Comedy of Errors");
  }

  @Test
  void aBodyStreamsUpAndTheAnswerStreamsBack() throws IOException {
    start(GatewayBookinfo.config(), 18);
    byte[] body = new byte[300_000];
    java.util.Arrays.fill(body, (byte) 'x');
    Request post = new Request.Builder().url(bookinfo.edge().uri() + "/api/v1/products/0/reviews")
        .post(RequestBody.create(body, MediaType.get("application/octet-stream"))).build();
    try (Response r = browser.newCall(post).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).endsWith("POST /api/v1/products/0/reviews (300000 bytes)\n");
    }
    ProductpagePod pod = bookinfo.v1().last() != null ? bookinfo.v1() : bookinfo.v2();
    assertThat(pod.last().header("content-type")).isEqualTo("application/octet-stream");
  }

  @Test
  void aMalformedAuthorityIsABadRequestAndNothingIsForwarded() throws IOException {
    start(GatewayBookinfo.config(), 18);
    for (String host : new String[] {"evil.example.com/x@productpage", "user@productpage:9080", "a b"}) {
      String response = raw("GET /productpage HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
      assertThat(response).as(host).startsWith("HTTP/1.1 400");
    }
    assertThat(bookinfo.v1().requests() + bookinfo.v2().requests()).isZero();
  }

  /** Sends {@code request} as written over a new connection; the whole response. */
  String raw(String request) throws IOException {
    try (Socket socket = new Socket(bookinfo.edge().uri().getHost(), bookinfo.edge().uri().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
