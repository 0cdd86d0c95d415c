package dev.mesh4j.conformance;

import static dev.mesh4j.conformance.Bookinfo.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.runtime.DnsResolver;
import dev.mesh4j.conformance.Transport.Client;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.Binomial;
import dev.mesh4j.core.testing.FakeSleeper;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INDEX.md, {@code bookinfo/}: Istio's Bookinfo traffic-management manifests, loaded unchanged,
 * checked with real HTTP from an in-mesh client in {@code default} (or a workload acting as the
 * Bookinfo gateway) to loopback pods.
 */
abstract class BookinfoConformance extends Conformance {
  /** Requests per "all requests" check: a 1% leak would show with probability 1 - 0.99^200 = 87%. */
  static final int ALL = 200;
  /** Requests per weighted-split check. */
  static final int SPLIT = 1000;

  Bookinfo bookinfo;

  @BeforeEach
  void start() {
    bookinfo = Bookinfo.start();
  }

  @AfterEach
  void stop() {
    bookinfo.close();
  }

  // --- routing to subsets -------------------------------------------------------------------

  @Test
  @Covers({"bookinfo/virtual-service-all-v1.yaml", "bookinfo/destination-rule-all.yaml"})
  void allV1_sendsEveryServiceToSubsetV1() throws IOException {
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all.yaml", "bookinfo/virtual-service-all-v1.yaml")
        .build()) {
      Client client = client(mesh);
      for (String app : List.of("productpage", "reviews", "ratings", "details")) {
        assertThat(Http.byBackend(client, ALL, url(app, "/" + app + "/0"))).as(app)
            .isEqualTo(Map.of(app + "-v1", ALL));
        LoopbackBackend.Received last = bookinfo.pod(app + "-v1").last();
        assertThat(last.header("host")).as("the pod sees the logical host").isEqualTo(app + ":9080");
        assertThat(last.path()).isEqualTo("/" + app + "/0");
      }
    }
  }

  @Test
  @Covers("bookinfo/destination-rule-all.yaml")
  void destinationRuleAll_selectsEachSubsetByVersionLabel() throws IOException {
    // The test's own VirtualServices pick a subset by header, so that one mesh reaches them all.
    StringBuilder vs = new StringBuilder();
    Map<String, List<String>> subsets = Map.of(
        "productpage", List.of("v1"),
        "reviews", List.of("v1", "v2", "v3"),
        "ratings", List.of("v1", "v2", "v2-mysql", "v2-mysql-vm"),
        "details", List.of("v1", "v2"));
    subsets.forEach((app, names) -> {
      vs.append("---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ")
          .append(app).append("-by-header}\nspec:\n  hosts: [").append(app).append("]\n  http:\n");
      for (String s : List.of("v1", "v2", "v3", "v2-mysql", "v2-mysql-vm")) {
        vs.append("  - match: [{headers: {x-subset: {exact: ").append(s).append("}}}]\n")
            .append("    route: [{destination: {host: ").append(app).append(", subset: ").append(s).append("}}]\n");
      }
    });
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all.yaml").configYaml("subset-picker", vs.toString())
        .build()) {
      Client client = client(mesh);
      for (Map.Entry<String, List<String>> e : subsets.entrySet()) {
        String app = e.getKey();
        for (String subset : e.getValue()) {
          assertThat(Http.byBackend(client, 20, url(app, "/"), "x-subset", subset)).as(app + " subset " + subset)
              .isEqualTo(Map.of(app + "-" + subset, 20));
        }
      }
      // Subsets the file does not define have no cluster.
      assertThat(Http.get(client, url("productpage", "/"), "x-subset", "v2").toString()).isEqualTo("503 NC \"\"");
      assertThat(Http.get(client, url("reviews", "/"), "x-subset", "v2-mysql").toString()).isEqualTo("503 NC \"\"");
      assertThat(Http.get(client, url("details", "/"), "x-subset", "v3").toString()).isEqualTo("503 NC \"\"");
    }
  }

  @Test
  @Covers("bookinfo/destination-rule-all-mtls.yaml")
  void destinationRuleAllMtls_failsWith503UfNamingTheMissingIdentityNeverPlainText() throws IOException {
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all-mtls.yaml", "bookinfo/virtual-service-all-v1.yaml")
        .build()) {
      assertThat(mesh.warnings()).as("loads, warning about ISTIO_MUTUAL")
          .anySatisfy(w -> assertThat(w.toString()).contains("ISTIO_MUTUAL").contains("workload identity"));
      Client client = client(mesh);
      for (String app : List.of("productpage", "reviews", "ratings", "details")) {
        Reply r = Http.get(client, url(app, "/"));
        assertThat(r.status()).as(app).isEqualTo(503);
        assertThat(r.flags()).as(app).isEqualTo("UF");
        assertThat(r.body()).as(app).contains("workload identity").contains("ISTIO_MUTUAL");
        assertThat(r.header("content-type")).isEqualTo("text/plain");
      }
    }
    // Without a VirtualService the default clusters carry the same policy.
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all-mtls.yaml").build()) {
      Reply r = Http.get(client(mesh), url("reviews", "/"));
      assertThat(r.toString()).startsWith("503 UF").contains("workload identity");
    }
    for (String app : List.of("productpage", "reviews", "ratings", "details")) {
      assertThat(bookinfo.requestsTo(app)).as("nothing reaches %s, in plain text or otherwise", app).isZero();
    }
  }

  @Test
  @Covers("bookinfo/destination-rule-reviews.yaml")
  void destinationRuleReviews_definesSubsetsV1ToV3() throws IOException {
    String picker = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{headers: {x-subset: {exact: v1}}}]
            route: [{destination: {host: reviews, subset: v1}}]
          - match: [{headers: {x-subset: {exact: v2}}}]
            route: [{destination: {host: reviews, subset: v2}}]
          - match: [{headers: {x-subset: {exact: v3}}}]
            route: [{destination: {host: reviews, subset: v3}}]
          - route: [{destination: {host: reviews}}]
        """;
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-reviews.yaml").configYaml(picker).build()) {
      Client client = client(mesh);
      for (String v : List.of("v1", "v2", "v3")) {
        assertThat(Http.byBackend(client, 20, url("reviews", "/"), "x-subset", v)).isEqualTo(Map.of("reviews-" + v, 20));
      }
      Explanation e = mesh.explain(MeshRequest.builder(url("reviews", "/")).header("x-subset", "v2").build());
      assertThat(e.cluster()).isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local");
      assertThat(policy(e, "destinationRule")).isEqualTo("default/reviews");
    }
  }

  // --- weighted splits ------------------------------------------------------------------------

  @Test
  @Covers("bookinfo/virtual-service-reviews-80-20.yaml")
  void reviews8020_splitsTrafficEightyTwenty() throws IOException {
    assertSplit("bookinfo/virtual-service-reviews-80-20.yaml", Map.of("reviews-v1", 0.8, "reviews-v2", 0.2));
  }

  @Test
  @Covers("bookinfo/virtual-service-reviews-90-10.yaml")
  void reviews9010_splitsTrafficNinetyTen() throws IOException {
    assertSplit("bookinfo/virtual-service-reviews-90-10.yaml", Map.of("reviews-v1", 0.9, "reviews-v2", 0.1));
  }

  @Test
  @Covers("bookinfo/virtual-service-reviews-50-v3.yaml")
  void reviews50V3_splitsTrafficHalfV1HalfV3() throws IOException {
    assertSplit("bookinfo/virtual-service-reviews-50-v3.yaml", Map.of("reviews-v1", 0.5, "reviews-v3", 0.5));
  }

  @Test
  @Covers("bookinfo/virtual-service-reviews-v2-v3.yaml")
  void reviewsV2V3_splitsTrafficHalfV2HalfV3() throws IOException {
    assertSplit("bookinfo/virtual-service-reviews-v2-v3.yaml", Map.of("reviews-v2", 0.5, "reviews-v3", 0.5));
  }

  private void assertSplit(String file, Map<String, Double> shares) throws IOException {
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all.yaml", file).build()) {
      Map<String, Integer> counts = Http.byBackend(client(mesh), SPLIT, url("reviews", "/reviews/0"));
      assertThat(counts.keySet()).as("only the weighted subsets answer: %s", counts).isEqualTo(shares.keySet());
      shares.forEach((pod, p) -> assertThat(Binomial.plausible(counts.get(pod), SPLIT, p))
          .as("%s got %d of %d, expected %.0f ± %.0f", pod, counts.get(pod), SPLIT, SPLIT * p,
              Binomial.tolerance(SPLIT, p))
          .isTrue());
    }
  }

  @Test
  @Covers("bookinfo/virtual-service-reviews-v3.yaml")
  void reviewsV3_sendsAllToV3() throws IOException {
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all.yaml", "bookinfo/virtual-service-reviews-v3.yaml")
        .build()) {
      Client client = client(mesh);
      assertThat(Http.byBackend(client, ALL, url("reviews", "/reviews/0"))).isEqualTo(Map.of("reviews-v3", ALL));
      assertThat(Http.byBackend(client, 20, url("reviews", "/"), "end-user", "jason"))
          .isEqualTo(Map.of("reviews-v3", 20));
    }
  }

  // --- header matches ---------------------------------------------------------------------------

  @Test
  @Covers("bookinfo/virtual-service-reviews-test-v2.yaml")
  void reviewsTestV2_sendsJasonToV2AndEveryoneElseToV1() throws IOException {
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all.yaml", "bookinfo/virtual-service-reviews-test-v2.yaml")
        .build()) {
      Client client = client(mesh);
      assertThat(Http.byBackend(client, ALL, url("reviews", "/"), "end-user", "jason"))
          .isEqualTo(Map.of("reviews-v2", ALL));
      assertThat(Http.byBackend(client, ALL, url("reviews", "/"))).isEqualTo(Map.of("reviews-v1", ALL));
      // exact: case-sensitive, whole value.
      for (String other : List.of("Jason", "jason2", "ja", "", "bob")) {
        assertThat(Http.get(client, url("reviews", "/"), "end-user", other).backend()).as("end-user: '%s'", other)
            .isEqualTo("reviews-v1");
      }
    }
  }

  @Test
  @Covers("bookinfo/virtual-service-reviews-jason-v2-v3.yaml")
  void reviewsJasonV2V3_sendsJasonToV2AndEveryoneElseToV3() throws IOException {
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all.yaml",
        "bookinfo/virtual-service-reviews-jason-v2-v3.yaml").build()) {
      Client client = client(mesh);
      assertThat(Http.byBackend(client, ALL, url("reviews", "/"), "end-user", "jason"))
          .isEqualTo(Map.of("reviews-v2", ALL));
      assertThat(Http.byBackend(client, ALL, url("reviews", "/"))).isEqualTo(Map.of("reviews-v3", ALL));
      assertThat(Http.get(client, url("reviews", "/"), "end-user", "JASON").backend()).isEqualTo("reviews-v3");
    }
  }

  // --- fault injection --------------------------------------------------------------------------

  @Test
  @Covers("bookinfo/virtual-service-ratings-test-delay.yaml")
  void ratingsTestDelay_delaysJasonBySevenSecondsAndNobodyElse() throws IOException {
    FakeSleeper sleeper = new FakeSleeper();
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all.yaml",
        "bookinfo/virtual-service-ratings-test-delay.yaml").sleeper(sleeper).ticker(sleeper).build()) {
      Client client = client(mesh);
      assertThat(Http.byBackend(client, 50, url("ratings", "/ratings/0"))).isEqualTo(Map.of("ratings-v1", 50));
      assertThat(sleeper.slept()).as("nobody else is delayed").isZero();
      for (int i = 1; i <= 50; i++) {
        assertThat(Http.get(client, url("ratings", "/ratings/0"), "end-user", "jason").backend()).isEqualTo("ratings-v1");
        assertThat(sleeper.slept()).as("after %d requests from jason", i).isEqualTo(Duration.ofSeconds(7L * i));
      }
      assertThat(bookinfo.pod("ratings-v1").requestCount()).as("delayed, then forwarded").isEqualTo(100);
    }
  }

  @Test
  @Covers("bookinfo/virtual-service-ratings-test-delay.yaml")
  void ratingsTestDelay_theCallersOwnTimeoutSeesTheDelay() throws IOException {
    // The real sleeper: the 7 s delay is cut short by the client's own call timeout, not by the test.
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all.yaml",
        "bookinfo/virtual-service-ratings-test-delay.yaml").build()) {
      Client client = client(mesh, ClientOptions.defaults().callTimeout(Duration.ofMillis(200)));
      long start = System.nanoTime();
      assertThatThrownBy(() -> Http.get(client, url("ratings", "/ratings/0"), "end-user", "jason"))
          .isInstanceOf(transport().callTimeout());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).as("the caller gave up long before the 7 s delay ended").isLessThan(Duration.ofSeconds(5));
      assertThat(bookinfo.requestsTo("ratings")).as("the delayed request never left").isZero();
      // Without the 200 ms call timeout: on a loaded machine an undelayed call can take longer.
      assertThat(Http.get(client(mesh), url("ratings", "/ratings/0")).backend())
          .as("others are not delayed").isEqualTo("ratings-v1");
    }
  }

  @Test
  @Covers("bookinfo/virtual-service-ratings-test-abort.yaml")
  void ratingsTestAbort_abortsJasonWith500AndForwardsEveryoneElse() throws IOException {
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all.yaml",
        "bookinfo/virtual-service-ratings-test-abort.yaml").build()) {
      Client client = client(mesh);
      assertThat(Http.tally(client, ALL, url("ratings", "/ratings/0"), "end-user", "jason"))
          .isEqualTo(Map.of("500 FI \"fault filter abort\"", ALL));
      assertThat(bookinfo.requestsTo("ratings")).as("an abort never calls upstream").isZero();
      assertThat(Http.byBackend(client, ALL, url("ratings", "/ratings/0"))).isEqualTo(Map.of("ratings-v1", ALL));
    }
  }

  @Test
  @Covers("bookinfo/fault-injection-details-v1.yaml")
  void faultInjectionDetailsV1_abortsEveryRequestWith555() throws IOException {
    try (Mesh mesh = bookinfo.mesh("bookinfo/fault-injection-details-v1.yaml").build()) {
      Client client = client(mesh);
      assertThat(Http.tally(client, ALL, url("details", "/details/0")))
          .isEqualTo(Map.of("555 FI \"fault filter abort\"", ALL));
      // The first route has no match, so it takes everything; the second is unreachable.
      assertThat(Http.get(client, url("details", "/health"), "end-user", "jason").toString())
          .isEqualTo("555 FI \"fault filter abort\"");
      assertThat(bookinfo.requestsTo("details")).isZero();
    }
  }

  @Test
  @Covers("bookinfo/virtual-service-details-v2.yaml")
  void detailsV2_sendsAllToV2WhenTheDestinationRuleDefinesIt() throws IOException {
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all.yaml", "bookinfo/virtual-service-details-v2.yaml")
        .build()) {
      assertThat(Http.byBackend(client(mesh), ALL, url("details", "/details/0")))
          .isEqualTo(Map.of("details-v2", ALL));
    }
  }

  @Test
  @Covers("bookinfo/virtual-service-details-v2.yaml")
  void detailsV2_answers503NcWithoutADestinationRuleDefiningV2() throws IOException {
    // Alone, and next to a DestinationRule for another service only.
    for (String[] files : List.of(new String[] {"bookinfo/virtual-service-details-v2.yaml"},
        new String[] {"bookinfo/virtual-service-details-v2.yaml", "bookinfo/destination-rule-reviews.yaml"})) {
      try (Mesh mesh = bookinfo.mesh(files).build()) {
        assertThat(mesh.warnings()).anySatisfy(w -> assertThat(w.toString()).contains("subset v2"));
        assertThat(Http.tally(client(mesh), 20, url("details", "/details/0")))
            .isEqualTo(Map.of("503 NC \"\"", 20));
      }
    }
    assertThat(bookinfo.requestsTo("details")).isZero();
  }

  @Test
  @Covers("bookinfo/virtual-service-ratings-db.yaml")
  void ratingsDb_sendsReviewsToV3AndRatingsToV2() throws IOException {
    assertReviewsV3AndRatings("bookinfo/virtual-service-ratings-db.yaml", "ratings-v2");
  }

  @Test
  @Covers("bookinfo/virtual-service-ratings-mysql.yaml")
  void ratingsMysql_sendsReviewsToV3AndRatingsToV2Mysql() throws IOException {
    assertReviewsV3AndRatings("bookinfo/virtual-service-ratings-mysql.yaml", "ratings-v2-mysql");
  }

  @Test
  @Covers("bookinfo/virtual-service-ratings-mysql-vm.yaml")
  void ratingsMysqlVm_sendsReviewsToV3AndRatingsToV2MysqlVm() throws IOException {
    assertReviewsV3AndRatings("bookinfo/virtual-service-ratings-mysql-vm.yaml", "ratings-v2-mysql-vm");
  }

  private void assertReviewsV3AndRatings(String file, String ratingsPod) throws IOException {
    try (Mesh mesh = bookinfo.mesh("bookinfo/destination-rule-all.yaml", file).build()) {
      Client client = client(mesh);
      assertThat(Http.byBackend(client, ALL, url("reviews", "/reviews/0"))).isEqualTo(Map.of("reviews-v3", ALL));
      assertThat(Http.byBackend(client, ALL, url("ratings", "/ratings/0"))).isEqualTo(Map.of(ratingsPod, ALL));
      // productpage and details have no VirtualService here: their default route reaches every pod.
      assertThat(Http.byBackend(client, 40, url("details", "/")).keySet()).containsExactlyInAnyOrder("details-v1",
          "details-v2");
    }
  }

  // --- gateways ---------------------------------------------------------------------------------

  static final List<String> GATEWAY_PATHS = List.of("/productpage", "/static", "/static/css/bootstrap.min.css",
      "/staticfiles", "/login", "/logout", "/api/v1/products", "/api/v1/products/0/reviews", "/api/v1/productsx");
  static final List<String> NOT_GATEWAY_PATHS = List.of("/", "/productpage/", "/productpage/1", "/Productpage",
      "/login/", "/logout2", "/api/v1/product", "/api/v1", "/health");

  @Test
  @Covers("bookinfo/bookinfo-gateway.yaml")
  void bookinfoGateway_givesAnInMeshClientNoneOfItsRoutes() throws IOException {
    try (Mesh mesh = bookinfo.mesh("bookinfo/bookinfo-gateway.yaml").build()) {
      Client client = client(mesh);
      // hosts: ["*"] would claim every host; in-mesh it claims none.
      assertThat(Http.get(client, url("reviews", "/productpage")).backend()).startsWith("reviews-");
      assertThat(Http.get(client, url("productpage", "/health")).backend()).isEqualTo("productpage-v1");
      Explanation e = mesh.explain(MeshRequest.builder("http://bookinfo.example.com/productpage").build());
      assertThat(e.virtualService()).isNull();
      assertThat(e.outcome().kind()).isEqualTo(Explanation.Outcome.Kind.PASSTHROUGH);
    }
  }

  @Test
  @Covers("bookinfo/bookinfo-gateway.yaml")
  void bookinfoGateway_routesBookinfoPathsToProductpageForTheGatewayAndOthersTo404() throws IOException {
    try (Mesh mesh = bookinfo.mesh("bookinfo/bookinfo-gateway.yaml").gateways("bookinfo-gateway").build()) {
      Client client = client(mesh);
      for (String host : List.of("http://bookinfo.example.com", "http://" + "reviews:9080")) {
        for (String path : GATEWAY_PATHS) {
          Reply r = Http.get(client, host + path);
          assertThat(r.backend()).as("%s%s", host, path).isEqualTo("productpage-v1");
          LoopbackBackend.Received got = bookinfo.pod("productpage-v1").last();
          assertThat(got.path()).isEqualTo(path);
          assertThat(got.header("host")).isEqualTo(host.substring("http://".length()));
        }
        for (String path : NOT_GATEWAY_PATHS) {
          assertThat(Http.get(client, host + path).toString()).as("%s%s", host, path).isEqualTo("404 NR \"\"");
        }
      }
      assertThat(bookinfo.requestsTo("reviews")).isZero();
    }
  }

  @Test
  @Covers("bookinfo/certmanager-gateway.yaml")
  void certmanagerGateway_loadsAndHasNoEffectInMesh() throws IOException {
    String challenge = "/.well-known/acme-challenge/token-1";
    try (Mesh mesh = bookinfo.mesh("bookinfo/certmanager-gateway.yaml").build()) {
      assertThat(mesh.config().resources()).hasSize(2);
      Client client = client(mesh);
      assertThat(Http.get(client, url("productpage", challenge)).backend()).isEqualTo("productpage-v1");
      Explanation e = mesh.explain(MeshRequest.builder("http://example.com" + challenge).build());
      assertThat(e.virtualService()).isNull();
    }
    // The contrast: the workload acting as istio-system/cert-manager-gateway gets the route.
    try (LoopbackBackend resolver = LoopbackBackend.start("cert-manager-resolver");
        Mesh mesh = bookinfo.mesh("bookinfo/certmanager-gateway.yaml").gateways("istio-system/cert-manager-gateway")
            .build()) {
      bookinfo.registry().register("cert-manager-resolver.istio-system.svc.cluster.local", 8089, resolver.endpoint());
      Client client = client(mesh);
      assertThat(Http.get(client, url("productpage", challenge)).backend()).isEqualTo("cert-manager-resolver");
      assertThat(Http.get(client, url("productpage", "/productpage")).toString()).isEqualTo("404 NR \"\"");
    } finally {
      bookinfo.registry().deregister("cert-manager-resolver.istio-system.svc.cluster.local");
    }
  }

  // --- egress and TLS origination ---------------------------------------------------------------

  @Test
  @Covers("bookinfo/egress-rule-google-apis.yaml")
  void egressGoogleApis_sendsPort80RequestsAsTlsOn443ToDnsResolvedEndpoints() throws IOException {
    List<String> asked = new CopyOnWriteArrayList<>();
    DnsResolver dns = host -> {
      asked.add(host);
      return List.of(InetAddress.getByName("172.217.0.10"), InetAddress.getByName("172.217.0.11"));
    };
    try (Mesh mesh = Mesh.builder().configResource(Corpus.resource("bookinfo/egress-rule-google-apis.yaml"))
        .dnsResolver(dns).dnsRefreshInterval(Duration.ZERO).build()) {
      assertThat(asked).contains("www.googleapis.com");
      Map<String, Integer> endpoints = new java.util.TreeMap<>();
      int n = 200;
      for (int i = 0; i < n; i++) {
        RecordingExchange.Result r = mesh.execute(
            MeshRequest.builder("http://www.googleapis.com/books/v1/volumes?q=isbn:0").build(), new RecordingExchange());
        assertThat(r.wasSent()).as(r.target()).isTrue();
        assertThat(r.sent().scheme()).isEqualTo("https");
        assertThat(r.sent().endpoint().port()).isEqualTo(443);
        assertThat(r.sent().tls()).isNotNull();
        assertThat(r.sent().tls().mode()).isEqualTo(ClientTlsSettings.TlsMode.SIMPLE);
        assertThat(r.sent().tls().caCertificates()).as("system trust").isNull();
        assertThat(r.sent().sni()).isEqualTo("www.googleapis.com");
        assertThat(r.sent().authority()).isEqualTo("www.googleapis.com");
        assertThat(r.sent().path()).isEqualTo("/books/v1/volumes");
        assertThat(r.sent().rawQuery()).isEqualTo("q=isbn:0");
        endpoints.merge(r.sent().endpoint().address(), 1, Integer::sum);
      }
      assertThat(endpoints.keySet()).as("every resolved address is an endpoint")
          .containsExactly("172.217.0.10", "172.217.0.11");
      assertThat(Binomial.plausible(endpoints.get("172.217.0.10"), n, 0.5)).as("balanced: %s", endpoints).isTrue();
      Explanation e = mesh.explain(MeshRequest.builder("http://www.googleapis.com/").build());
      assertThat(e.cluster()).isEqualTo("outbound|443||www.googleapis.com");
      assertThat(policy(e, "tls")).isEqualTo("SIMPLE");
      // portLevelSettings replace the top-level policy for their port without inheriting from it
      // (Istio's MergeTrafficPolicy: "port level policies do not inherit"), so the ROUND_ROBIN
      // above applies to port 80's cluster, which the VirtualService bypasses; 443 has the default.
      assertThat(policy(e, "loadBalancer")).endsWith("(Istio default)");
      // An application that speaks TLS itself to the TLS port 443 is a connection to its cluster,
      // whose DestinationRule originates TLS: Envoy would wrap the application's TLS in it; mesh4j
      // neither wraps nor replaces it, and sends nothing.
      RecordingExchange.Result direct = mesh.execute(MeshRequest.builder("https://www.googleapis.com/").build(),
          new RecordingExchange());
      assertThat(direct.target()).isEqualTo("reply 503 UF");
      assertThat(direct.reply().body()).contains("does not wrap one in the other");
    }
  }

  static final String SECURE_SE = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: secure}
      spec:
        hosts: [secure.mesh4j.test]
        ports: [{number: 80, name: http, protocol: HTTP}]
        resolution: STATIC
        endpoints: [{address: 127.0.0.1, ports: {http: %d}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: secure}
      spec:
        host: secure.mesh4j.test
        trafficPolicy:
          tls: {mode: SIMPLE, caCertificates: "%s"%s}
      """;

  @Test
  void tlsOrigination_sendsOverTlsWithTheLogicalSniAndHost(@TempDir Path dir) throws Exception {
    TestTls tls = new TestTls();
    Path ca = tls.writeCa(dir);
    try (MockWebServer server = tls.server("secure.mesh4j.test");
        Mesh mesh = Mesh.builder().configYaml(SECURE_SE.formatted(server.getPort(), ca, "")).build()) {
      Client client = client(mesh);
      Reply r = Http.get(client, "http://secure.mesh4j.test/books?id=1");
      assertThat(r.toString()).isEqualTo("200 \"secure\"");
      List<RecordedRequest> got = TestTls.requests(server);
      assertThat(got).hasSize(1);
      RecordedRequest req = got.get(0);
      assertThat(req.getHandshake()).as("arrived over TLS").isNotNull();
      assertThat(req.getHandshakeServerNames()).containsExactly("secure.mesh4j.test");
      assertThat(req.getHeaders().get("Host")).isEqualTo("secure.mesh4j.test");
      assertThat(req.getTarget()).isEqualTo("/books?id=1");
    }
  }

  @Test
  void tlsOrigination_failsWith503UfWhenTheServerIsNotTheExpectedSubjectAltName(@TempDir Path dir)
      throws Exception {
    TestTls tls = new TestTls();
    Path ca = tls.writeCa(dir);
    try (MockWebServer server = tls.server("secure.mesh4j.test");
        Mesh mesh = Mesh.builder()
            .configYaml(SECURE_SE.formatted(server.getPort(), ca, ", subjectAltNames: [other.mesh4j.test]")).build()) {
      Reply r = Http.get(client(mesh), "http://secure.mesh4j.test/books");
      assertThat(r.status()).isEqualTo(503);
      // A failed TLS handshake is a connection failure: Istio's default policy retries it twice.
      assertThat(r.flags()).isEqualTo("UF,URX");
      assertThat(TestTls.requests(server)).as("no request is sent to an unverified server").isEmpty();
    }
  }

  static String policy(Explanation e, String name) {
    return e.policies().stream().filter(p -> p.name().equals(name)).map(Explanation.Policy::value).findFirst()
        .orElseThrow(() -> new AssertionError("no policy " + name + " in\n" + e));
  }
}
