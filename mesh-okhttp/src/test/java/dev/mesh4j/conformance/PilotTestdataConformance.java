package dev.mesh4j.conformance;

import static dev.mesh4j.conformance.BookinfoConformance.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.runtime.DnsResolver;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.conformance.Transport.Client;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.Binomial;
import dev.mesh4j.core.testing.FakeSleeper;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * INDEX.md, {@code pilot-testdata/}: manifests Istio's own tests load, for a workload in
 * {@code testns}. Endpoints the manifests name on loopback addresses ({@code 127.0.0.2:7072},
 * {@code 127.0.0.3:8081}, …) are real servers bound there; only unreachable addresses are checked
 * at the engine level.
 */
abstract class PilotTestdataConformance extends Conformance {
  static final String NS = "testns";
  static final int N = 1000;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  /** A pod on the address and port a manifest names. */
  LoopbackBackend pod(String name, String address, int port, String... labels) {
    Map<String, String> l = new java.util.LinkedHashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      l.put(labels[i], labels[i + 1]);
    }
    LoopbackBackend b = LoopbackBackend.startAt(name, l, address, port);
    resources.add(b);
    return b;
  }

  LoopbackBackend pod(String name) {
    LoopbackBackend b = LoopbackBackend.start(name);
    resources.add(b);
    return b;
  }

  static Mesh.Builder mesh(String... files) {
    Mesh.Builder b = Mesh.builder().namespace(NS).random(RandomSource.seeded(1234))
        .dnsRefreshInterval(Duration.ZERO);
    for (String f : files) {
      b.configResource(Corpus.resource(f));
    }
    return b;
  }

  /** The mesh's resolver for DNS-resolved ServiceEntries. */
  static DnsResolver resolver(Map<String, String> names) {
    return host -> {
      String a = names.get(host);
      if (a == null) {
        throw new UnknownHostException(host);
      }
      return List.of(InetAddress.getByName(a));
    };
  }

  static RecordingExchange.Result send(Mesh mesh, String url, String... headers) throws IOException {
    MeshRequest.Builder b = MeshRequest.builder(url);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return mesh.execute(b.build(), new RecordingExchange());
  }

  static void assertShare(Map<String, Integer> counts, String who, int n, double p) {
    assertShare("", counts, who, n, p);
  }

  static void assertShare(String label, Map<String, Integer> counts, String who, int n, double p) {
    int got = counts.getOrDefault(who, 0);
    assertThat(Binomial.plausible(got, n, p))
        .as("%s%s got %d of %d, expected %.0f ± %.0f (all: %s)", label, who, got, n, n * p,
            Binomial.tolerance(n, p), counts)
        .isTrue();
  }

  // --- virtual-service-all.yaml -----------------------------------------------------------------

  static final String SERVICE3_SUBSETS = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: service3, namespace: testns}
      spec:
        host: service3.default.svc.cluster.local
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      """;

  @Test
  @Covers("pilot-testdata/virtual-service-all.yaml")
  void virtualServiceAll_routesDevCookieToPort81AndSplitsReviewsEightyTwenty() throws IOException {
    LoopbackBackend v1 = pod("service3-v1");
    LoopbackBackend v2 = pod("service3-v2");
    ServiceRegistry registry = new ServiceRegistry().register("service3.default.svc.cluster.local", 81,
        v1.endpoint().withLabel("version", "v1"), v2.endpoint().withLabel("version", "v2"));
    String base = "http://service3.default.svc.cluster.local:81";
    try (Mesh mesh = mesh("pilot-testdata/virtual-service-all.yaml").configYaml(SERVICE3_SUBSETS).registry(registry)
        .build()) {
      Client client = client(mesh);
      // Route 1: the Cookie header fully matches the RE2 regex.
      for (String cookie : List.of("user=dev-123", "a=b;user=dev-123", "a=b;user=dev-123;c=d", "user=dev-123;x=y")) {
        assertThat(Http.get(client, base + "/other", "Cookie", cookie).backend()).as("Cookie: %s", cookie)
            .startsWith("service3-");
      }
      for (String cookie : List.of("user=dev-1234", "xuser=dev-123", "a=b; user=dev-123", "user=dev-12")) {
        assertThat(Http.get(client, base + "/other", "Cookie", cookie).toString()).as("Cookie: %s", cookie)
            .isEqualTo("404 NR \"\"");
      }
      assertThat(Http.get(client, base + "/other").toString()).isEqualTo("404 NR \"\"");
      // Route 2: /reviews/ splits 80/20 between the subsets.
      Map<String, Integer> counts = Http.byBackend(client, N, base + "/reviews/1");
      assertThat(counts.keySet()).containsExactlyInAnyOrder("service3-v1", "service3-v2");
      assertShare(counts, "service3-v2", N, 0.2);
      assertThat(Http.get(client, base + "/reviews").toString()).as("prefix /reviews/ needs the slash")
          .isEqualTo("404 NR \"\"");
    }
    // Without the DestinationRule's subsets, the /reviews/ picks have no cluster.
    try (Mesh mesh = mesh("pilot-testdata/virtual-service-all.yaml").registry(registry).build()) {
      Client client = client(mesh);
      assertThat(Http.tally(client, 50, base + "/reviews/1")).isEqualTo(Map.of("503 NC \"\"", 50));
      assertThat(Http.get(client, base + "/reviews/1", "Cookie", "user=dev-123").backend()).startsWith("service3-");
    }
  }

  // --- destination-rule-all.yaml ------------------------------------------------------------------

  @Test
  @Covers("pilot-testdata/destination-rule-all.yaml")
  void destinationRuleAll_forwardsToTheStaticEndpointAndExplainsTheMergedPolicyPerSubset() throws IOException {
    LoopbackBackend destall = pod("destall", "127.0.0.2", 7072);
    String picker = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: destall-picker, namespace: testns}
        spec:
          hosts: [destall.default.svc.cluster.local]
          http:
          - match: [{headers: {x-subset: {exact: v1}}}]
            route: [{destination: {host: destall.default.svc.cluster.local, subset: v1}}]
          - match: [{headers: {x-subset: {exact: v2}}}]
            route: [{destination: {host: destall.default.svc.cluster.local, subset: v2}}]
          - route: [{destination: {host: destall.default.svc.cluster.local}}]
        """;
    String url = "http://destall.default.svc.cluster.local:81/x";
    try (Mesh mesh = mesh("pilot-testdata/destination-rule-all.yaml").configYaml(picker).build()) {
      Reply r = Http.get(client(mesh), url);
      assertThat(r.backend()).isEqualTo("destall");
      assertThat(destall.last().header("host")).isEqualTo("destall.default.svc.cluster.local:81");
      for (String subset : List.of("", "v1", "v2")) {
        MeshRequest.Builder b = MeshRequest.builder(url);
        if (!subset.isEmpty()) {
          b.header("x-subset", subset);
        }
        Explanation e = mesh.explain(b.build());
        assertThat(e.cluster()).isEqualTo("outbound|81|" + subset + "|destall.default.svc.cluster.local");
        assertThat(policy(e, "destinationRule")).isEqualTo("testns/destall");
        String pool = policy(e, "connectionPool");
        assertThat(pool).as(subset).contains("maxConnections 99", "connectTimeout 6s", "http2MaxRequests 33",
            "maxRequestsPerConnection 65", "maxRetries 4", "http1MaxPendingRequests 14");
        assertThat(policy(e, "outlierDetection")).as(subset)
            .contains("interval 8ms", "baseEjectionTime 1m", "maxEjectionPercent 11");
        assertThat(policy(e, "tls")).isEqualTo("DISABLE");
      }
      Explanation top = mesh.explain(MeshRequest.builder(url).build());
      assertThat(policy(top, "loadBalancer")).isEqualTo("ROUND_ROBIN");
      assertThat(top.endpoints()).extracting(Explanation.EndpointView::address).containsExactly("127.0.0.2:7072");
    }
  }

  // --- destination-rule-fqdn.yaml -----------------------------------------------------------------

  static String staticEntry(String name, String host, int servicePort, List<LoopbackBackend> pods) {
    StringBuilder eps = new StringBuilder();
    for (LoopbackBackend p : pods) {
      eps.append("  - {address: ").append(p.address()).append(", ports: {http: ").append(p.port()).append("}}\n");
    }
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: %s, namespace: testns}
        spec:
          hosts: [%s]
          ports: [{number: %d, name: http, protocol: HTTP}]
          resolution: STATIC
          endpoints:
        %s""".formatted(name, host, servicePort, eps);
  }

  @Test
  @Covers("pilot-testdata/destination-rule-fqdn.yaml")
  void destinationRuleFqdn_appliesToTheServiceOfThatName() throws IOException {
    List<LoopbackBackend> pods = List.of(pod("webinf-a"), pod("webinf-b"));
    try (Mesh mesh = mesh("pilot-testdata/destination-rule-fqdn.yaml")
        .configYaml(staticEntry("webinf", "www.webinf.info", 80, pods)).build()) {
      Map<String, Integer> counts = Http.byBackend(client(mesh), 200, "http://www.webinf.info/");
      assertThat(counts.keySet()).containsExactlyInAnyOrder("webinf-a", "webinf-b");
      Explanation e = mesh.explain(MeshRequest.builder("http://www.webinf.info/").build());
      assertThat(policy(e, "destinationRule")).isEqualTo("testns/fqdn");
    }
  }

  // --- destination-rule-passthrough.yaml ----------------------------------------------------------

  @Test
  @Covers("pilot-testdata/destination-rule-passthrough.yaml")
  void destinationRulePassthrough_sendsToTheAddressTheApplicationNamed() throws IOException {
    LoopbackBackend named = pod("named-by-app");
    LoopbackBackend endpoint = pod("service-entry-endpoint");
    // api.foo.com has an endpoint of its own; the application resolves the name to another server.
    String entry = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: foo-api, namespace: testns}
        spec:
          hosts: [api.foo.com]
          ports: [{number: %d, name: http, protocol: HTTP}]
          resolution: STATIC
          endpoints: [{address: 127.0.0.1, ports: {http: %d}}]
        """.formatted(named.port(), endpoint.port());
    ClientOptions appDns = ClientOptions.defaults().hosts(Map.of("api.foo.com", "127.0.0.1"));
    String url = "http://api.foo.com:" + named.port() + "/v1/things";
    try (Mesh mesh = mesh().configYaml(entry).build()) {
      Client client = client(mesh, appDns);
      assertThat(Http.get(client, url).backend()).as("without the rule: the entry's endpoint")
          .isEqualTo("service-entry-endpoint");
    }
    try (Mesh mesh = mesh("pilot-testdata/destination-rule-passthrough.yaml").configYaml(entry).build()) {
      Client client = client(mesh, appDns);
      for (int i = 0; i < 20; i++) {
        assertThat(Http.get(client, url).backend()).isEqualTo("named-by-app");
      }
      assertThat(named.last().path()).isEqualTo("/v1/things");
      assertThat(policy(mesh.explain(MeshRequest.builder(url).build()), "loadBalancer")).isEqualTo("PASSTHROUGH");
    }
    assertThat(endpoint.requestCount()).isEqualTo(1);
  }

  // --- destination-rule-ssl.yaml ------------------------------------------------------------------

  @Test
  @Covers("pilot-testdata/destination-rule-ssl.yaml")
  void destinationRuleSsl_originatesTlsWithSystemTrustToSsl1() throws Exception {
    TestTls tls = new TestTls();
    try (MockWebServer server = tls.server("ssl1.webinf.info")) {
      String entry = """
          apiVersion: networking.istio.io/v1
          kind: ServiceEntry
          metadata: {name: ssl1, namespace: testns}
          spec:
            hosts: [ssl1.webinf.info]
            ports: [{number: 80, name: http, protocol: HTTP}]
            resolution: STATIC
            endpoints: [{address: 127.0.0.1, ports: {http: %d}}]
          """.formatted(server.getPort());
      try (Mesh mesh = mesh("pilot-testdata/destination-rule-ssl.yaml").configYaml(entry).build()) {
        RecordingExchange.Result r = send(mesh, "http://ssl1.webinf.info/secure");
        assertThat(r.sent().scheme()).isEqualTo("https");
        assertThat(r.sent().tls().mode()).isEqualTo(ClientTlsSettings.TlsMode.SIMPLE);
        assertThat(r.sent().tls().caCertificates()).as("system trust").isNull();
        assertThat(r.sent().sni()).isEqualTo("ssl1.webinf.info");
        assertThat(r.sent().endpoint().hostPort()).isEqualTo("127.0.0.1:" + server.getPort());
        // Over the wire: the server's certificate comes from a CA no system store trusts.
        Reply reply = Http.get(client(mesh), "http://ssl1.webinf.info/secure");
        assertThat(reply.status()).isEqualTo(503);
        // A failed TLS handshake is a connection failure: Istio's default policy retries it twice.
        assertThat(reply.flags()).isEqualTo("UF,URX");
        assertThat(TestTls.requests(server)).as("nothing is sent to an untrusted server").isEmpty();
        assertThat(policy(mesh.explain(MeshRequest.builder("http://ssl1.webinf.info/").build()), "destinationRule"))
            .isEqualTo("testns/ssl-simple");
      }
    }
  }

  @Test
  @Covers("pilot-testdata/destination-rule-ssl.yaml")
  void destinationRuleSsl_appliesTheRandomRuleToRandomWebinf() throws IOException {
    List<LoopbackBackend> pods = List.of(pod("random-a"), pod("random-b"), pod("random-c"));
    try (Mesh mesh = mesh("pilot-testdata/destination-rule-ssl.yaml")
        .configYaml(staticEntry("random", "random.webinf.info", 80, pods)).build()) {
      Map<String, Integer> counts = Http.byBackend(client(mesh), 300, "http://random.webinf.info/");
      assertThat(counts.keySet()).containsExactlyInAnyOrder("random-a", "random-b", "random-c");
      Explanation e = mesh.explain(MeshRequest.builder("http://random.webinf.info/").build());
      assertThat(policy(e, "destinationRule")).isEqualTo("testns/drprefix");
      assertThat(policy(e, "tls")).as("plain text: the TLS rule is for ssl1 only").isEqualTo("DISABLE");
    }
  }

  // --- external_services.yaml ---------------------------------------------------------------------

  @Test
  @Covers("pilot-testdata/external_services.yaml")
  void externalServices_resolvesDnsEntriesAndMapsStaticEndpointPortsByName() throws IOException {
    LoopbackBackend external = pod("external", "127.0.0.4", 1443);
    LoopbackBackend ports = pod("ports", "127.0.0.5", 8443);
    LoopbackBackend ports1 = pod("ports1", "127.0.0.6", 8443);
    LoopbackBackend dst = pod("dst", "127.0.0.7", 8001);
    LoopbackBackend ep2 = pod("ep-127.0.0.2", "127.0.0.2", 8080);
    LoopbackBackend ep3 = pod("ep-127.0.0.3", "127.0.0.3", 8002);
    DnsResolver meshDns = resolver(Map.of("external.extsvc.com", "127.0.0.4", "ports.extsvc.com", "127.0.0.5",
        "ports1.extsvc.com", "127.0.0.6"));
    try (Mesh mesh = mesh("pilot-testdata/external_services.yaml").dnsResolver(meshDns).build()) {
      Client client = client(mesh, ClientOptions.defaults().hosts(Map.of("dst.extsvc.com", "127.0.0.7")));
      // DNS: the name resolves through the mesh's resolver; the endpoint port is the service port.
      assertThat(Http.get(client, "http://external.extsvc.com:1443/a").backend()).isEqualTo("external");
      assertThat(external.last().header("host")).isEqualTo("external.extsvc.com:1443");
      // Multi-port DNS entry: each host resolves separately.
      assertThat(Http.get(client, "http://ports.extsvc.com:8443/").backend()).isEqualTo("ports");
      assertThat(Http.get(client, "http://ports1.extsvc.com:8443/").backend()).isEqualTo("ports1");
      RecordingExchange.Result https = send(mesh, "https://ports.extsvc.com/");
      assertThat(https.target()).as("the HTTPS port: the application's TLS to the resolved endpoint")
          .isEqualTo("127.0.0.5:443");
      assertThat(https.sent().tls()).isNull();
      assertThat(https.sent().sni()).isEqualTo("ports.extsvc.com");
      // NONE: to the address the application named (resolved by the application).
      assertThat(Http.get(client, "http://dst.extsvc.com:8001/b").backend()).isEqualTo("dst");
      assertThat(send(mesh, "http://dst.extsvc.com:8001/b").target()).isEqualTo("passthrough");
      // STATIC with port names: 8002 → 127.0.0.2:8080 and 127.0.0.3:8002.
      Map<String, Integer> counts = Http.byBackend(client, 200, "http://ep.extsvc.com:8002/c");
      assertThat(counts.keySet()).containsExactlyInAnyOrder("ep-127.0.0.2", "ep-127.0.0.3");
      assertShare(counts, "ep-127.0.0.2", 200, 0.5);
      assertThat(ep2.last().path()).isEqualTo("/c");
      assertThat(ep3.last().header("host")).isEqualTo("ep.extsvc.com:8002");
      assertThat(ports.requestCount() + ports1.requestCount() + dst.requestCount()).isEqualTo(3);
    }
  }

  // --- rule-content-route.yaml --------------------------------------------------------------------

  @Test
  @Covers("pilot-testdata/rule-content-route.yaml")
  void ruleContentRoute_sendsVersionV2FromAV1CallerToV2AndEverythingElseToV1() throws IOException {
    pod("c-weighted-v1", "127.0.0.2", 7072);
    pod("c-weighted-v2", "127.0.0.3", 7074);
    // c-weighted.extsvc.com, its endpoints and subsets come from rule-weighted-route.yaml.
    String[] files = {"pilot-testdata/rule-content-route.yaml", "pilot-testdata/rule-weighted-route.yaml"};
    String url = "http://headers.test.istio.io/";
    try (Mesh mesh = mesh(files).workloadLabel("version", "v1").build()) {
      Client client = client(mesh);
      assertThat(Http.byBackend(client, 50, url, "version", "v2")).isEqualTo(Map.of("c-weighted-v2", 50));
      assertThat(Http.byBackend(client, 50, url)).isEqualTo(Map.of("c-weighted-v1", 50));
      assertThat(Http.byBackend(client, 20, url, "version", "v3")).isEqualTo(Map.of("c-weighted-v1", 20));
    }
    try (Mesh mesh = mesh(files).workloadLabel("version", "v2").build()) {
      assertThat(Http.byBackend(client(mesh), 50, url, "version", "v2"))
          .as("caller not labelled version=v1").isEqualTo(Map.of("c-weighted-v1", 50));
    }
    try (Mesh mesh = mesh(files).build()) {
      assertThat(Http.byBackend(client(mesh), 50, url, "version", "v2"))
          .as("caller without labels").isEqualTo(Map.of("c-weighted-v1", 50));
    }
  }

  // --- rule-default-route.yaml --------------------------------------------------------------------

  @Test
  @Covers("pilot-testdata/rule-default-route.yaml")
  void ruleDefaultRoute_inMeshUsesTheDefaultClusterAndTheGatewayGetsBothVirtualServices() throws IOException {
    LoopbackBackend c = pod("c.foo", "127.0.0.1", 7072);
    try (Mesh mesh = mesh("pilot-testdata/rule-default-route.yaml").build()) {
      Client client = client(mesh);
      for (String path : List.of("/foo", "/bar", "/anything")) {
        assertThat(Http.get(client, "http://c.foo" + path).backend()).as(path).isEqualTo("c.foo");
        assertThat(c.last().path()).as("no rewrite in-mesh").isEqualTo(path);
      }
      assertThat(mesh.explain(MeshRequest.builder("http://c.foo/foo").build()).virtualService()).isNull();
    }
    try (Mesh mesh = mesh("pilot-testdata/rule-default-route.yaml").gateways("my-gateway").build()) {
      Client client = client(mesh);
      for (String path : List.of("/bar", "/bar/1", "/barbaz")) {
        assertThat(Http.get(client, "http://c.foo" + path).backend()).as(path).isEqualTo("c.foo");
        assertThat(c.last().path()).isEqualTo(path);
      }
      assertThat(Http.get(client, "http://c.foo/foo?x=1").backend()).isEqualTo("c.foo");
      assertThat(c.last().path()).as("/foo rewritten").isEqualTo("/bar");
      assertThat(c.last().query()).isEqualTo("x=1");
      for (String path : List.of("/", "/foo/1", "/other")) {
        assertThat(Http.get(client, "http://c.foo" + path).toString()).as(path).isEqualTo("404 NR \"\"");
      }
    }
  }

  // --- rule-default-route-append-headers.yaml ------------------------------------------------------

  @Test
  @Covers("pilot-testdata/rule-default-route-append-headers.yaml")
  void ruleDefaultRouteAppendHeaders_addsTheCustomHeader() throws IOException {
    LoopbackBackend appendh = pod("appendh", "127.0.0.2", 7072);
    try (Mesh mesh = mesh("pilot-testdata/rule-default-route-append-headers.yaml").build()) {
      Client client = client(mesh);
      assertThat(Http.get(client, "http://appendh.test.istio.io/").backend()).isEqualTo("appendh");
      assertThat(appendh.last().headers().get("istio-custom-header")).containsExactly("user-defined-value");
      assertThat(Http.get(client, "http://appendh.test.istio.io/", "istio-custom-header", "from-app").backend())
          .isEqualTo("appendh");
      assertThat(appendh.last().headers().get("istio-custom-header")).as("add appends")
          .containsExactly("from-app", "user-defined-value");
    }
  }

  // --- rule-default-route-cors-policy.yaml ---------------------------------------------------------

  @Test
  @Covers("pilot-testdata/rule-default-route-cors-policy.yaml")
  void ruleDefaultRouteCorsPolicy_routesAndLeavesCorsToTheServer() throws IOException {
    LoopbackBackend cors = pod("cors", "127.0.0.2", 7072);
    try (Mesh mesh = mesh("pilot-testdata/rule-default-route-cors-policy.yaml").build()) {
      Client client = client(mesh);
      Reply r = Http.get(client, "http://cors.test.istio.io/", "Origin", "http://foo.example");
      assertThat(r.backend()).isEqualTo("cors");
      assertThat(cors.last().header("origin")).isEqualTo("http://foo.example");
      assertThat(r.header("access-control-allow-origin")).as("a client applies no CORS policy").isNull();
      Reply preflight = Http.call(client, "OPTIONS", "http://cors.test.istio.io/", "Origin", "http://foo.example",
          "Access-Control-Request-Method", "POST");
      assertThat(preflight.backend()).as("a preflight is forwarded, not answered locally").isEqualTo("cors");
      assertThat(cors.last().method()).isEqualTo("OPTIONS");
    }
  }

  // --- rule-fault-injection.yaml -------------------------------------------------------------------

  @Test
  @Covers("pilot-testdata/rule-fault-injection.yaml")
  void ruleFaultInjection_delaysFiveSecondsThenAbortsWith503AndOtherwiseHasNoRoute() throws IOException {
    LoopbackBackend v1 = pod("fault-v1", "127.0.0.2", 8080);
    LoopbackBackend v2 = pod("fault-v2", "127.0.0.3", 8081);
    String url = "http://fault.test.istio.io:8080/";
    FakeSleeper sleeper = new FakeSleeper();
    try (Mesh mesh = mesh("pilot-testdata/rule-fault-injection.yaml").workloadLabel("version", "v1")
        .sleeper(sleeper).ticker(sleeper).build()) {
      // The route's destination c (c.testns.svc.cluster.local) is no service: 503 NC if reached.
      assertThat(mesh.warnings()).anySatisfy(w -> assertThat(w.toString())
          .contains("c.testns.svc.cluster.local").contains("503 NC"));
      Client client = client(mesh);
      for (int i = 1; i <= 20; i++) {
        assertThat(Http.get(client, url, "version", "v2").toString()).isEqualTo("503 FI \"fault filter abort\"");
        assertThat(sleeper.slept()).isEqualTo(Duration.ofSeconds(5L * i));
      }
      assertThat(Http.get(client, url).toString()).isEqualTo("404 NR \"\"");
      assertThat(Http.get(client, url, "version", "v1").toString()).isEqualTo("404 NR \"\"");
      assertThat(sleeper.slept()).as("only the faulted route delays").isEqualTo(Duration.ofSeconds(100));
    }
    assertThat(v1.requestCount() + v2.requestCount()).isZero();
    // A caller not labelled version=v1 gets no route of this VirtualService at all: Istio drops
    // it for that workload, and the service's default route applies.
    try (Mesh mesh = mesh("pilot-testdata/rule-fault-injection.yaml").sleeper(sleeper).build()) {
      Map<String, Integer> counts = Http.byBackend(client(mesh), 20, url, "version", "v2");
      assertThat(counts.keySet()).containsExactlyInAnyOrder("fault-v1", "fault-v2");
    }
  }

  // --- rule-redirect-injection.yaml ----------------------------------------------------------------

  @Test
  @Covers("pilot-testdata/rule-redirect-injection.yaml")
  void ruleRedirectInjection_redirectsWith301WhenAskedAndOtherwiseHasNoRoute() throws IOException {
    LoopbackBackend backend = pod("redirect", "127.0.0.2", 8080);
    try (Mesh mesh = mesh("pilot-testdata/rule-redirect-injection.yaml").build()) {
      Client client = client(mesh, ClientOptions.defaults().followRedirects(false));
      Reply r = Http.get(client, "http://redirect.test.istio.io:8080/old/path", "testredirect", "enabled");
      assertThat(r.status()).isEqualTo(301);
      assertThat(r.header("location")).isEqualTo("http://redirect2.test.istio.io/new/path");
      assertThat(r.body()).isEmpty();
      Reply q = Http.get(client, "http://redirect.test.istio.io:8080/old?a=1", "testredirect", "enabled");
      assertThat(q.header("location")).as("the query is kept").isEqualTo(
          "http://redirect2.test.istio.io/new/path?a=1");
      assertThat(Http.get(client, "http://redirect.test.istio.io:8080/old/path").toString()).isEqualTo("404 NR \"\"");
      assertThat(Http.get(client, "http://redirect.test.istio.io:8080/", "testredirect", "Enabled").toString())
          .isEqualTo("404 NR \"\"");
    }
    assertThat(backend.requestCount()).isZero();
  }

  // --- rule-regex-route.yaml -----------------------------------------------------------------------

  @Test
  @Covers("pilot-testdata/rule-regex-route.yaml")
  void ruleRegexRoute_sendsFullRegexMatchesFromV1CallersToV2() throws IOException {
    pod("regex-v1", "127.0.0.2", 8080);
    pod("regex-v2", "127.0.0.3", 8081);
    String url = "http://regex.extsvc.com:9003/";
    try (Mesh mesh = mesh("pilot-testdata/rule-regex-route.yaml").workloadLabel("version", "v1").build()) {
      Client client = client(mesh);
      for (String foo : List.of("bar", "b", "baz", "b.x")) {
        assertThat(Http.get(client, url, "foo", foo).backend()).as("foo: %s", foo).isEqualTo("regex-v2");
      }
      for (String foo : List.of("abc", "xbar", "Bar", "")) {
        assertThat(Http.get(client, url, "foo", foo).backend()).as("foo: '%s' (full match)", foo)
            .isEqualTo("regex-v1");
      }
      assertThat(Http.get(client, url).backend()).isEqualTo("regex-v1");
    }
    try (Mesh mesh = mesh("pilot-testdata/rule-regex-route.yaml").build()) {
      assertThat(Http.byBackend(client(mesh), 20, url, "foo", "bar"))
          .as("caller not labelled version=v1").isEqualTo(Map.of("regex-v1", 20));
    }
  }

  // --- rule-weighted-route.yaml --------------------------------------------------------------------

  @Test
  @Covers("pilot-testdata/rule-weighted-route.yaml")
  void ruleWeightedRoute_splitsSeventyFiveTwentyFive() throws IOException {
    pod("c-weighted-v1", "127.0.0.2", 7072);
    pod("c-weighted-v2", "127.0.0.3", 7074);
    try (Mesh mesh = mesh("pilot-testdata/rule-weighted-route.yaml").build()) {
      Map<String, Integer> counts = Http.byBackend(client(mesh), N, "http://c-weighted.extsvc.com/");
      assertThat(counts.keySet()).containsExactlyInAnyOrder("c-weighted-v1", "c-weighted-v2");
      assertShare(counts, "c-weighted-v1", N, 0.75);
    }
  }

  // --- se-example.yaml -----------------------------------------------------------------------------

  @Test
  @Covers("pilot-testdata/se-example.yaml")
  void seExample_loadsWarningAboutTheNonHttpPortsAndTheUnixSocket() {
    try (Mesh mesh = Mesh.builder().namespace("seexamples").configResource(Corpus.resource("pilot-testdata/se-example.yaml"))
        .dnsResolver(resolver(Map.of())).dnsRefreshInterval(Duration.ZERO).build()) {
      List<String> warnings = mesh.warnings().stream().map(Object::toString).toList();
      assertThat(warnings).as("TCP port").anySatisfy(w -> assertThat(w).contains("TCP"));
      assertThat(warnings).as("MONGO port").anySatisfy(w -> assertThat(w).contains("MONGO"));
      assertThat(warnings).as("TLS routes are applied").noneSatisfy(w -> assertThat(w).contains("tls routes"));
      assertThat(warnings).as("unix socket").anySatisfy(w -> assertThat(w).contains("unix"));
    }
  }

  @Test
  @Covers("pilot-testdata/se-example.yaml")
  void seExample_resolvesFooBarEndpointsWithTheirOwnPortsAndPassesOtherBarHostsThrough() throws IOException {
    pod("us", "127.0.0.2", 8080);
    pod("uk", "127.0.0.3", 9080);
    pod("in", "127.0.0.4", 7080);
    LoopbackBackend egress = pod("egress-proxy");
    DnsResolver meshDns = resolver(Map.of("us.foo.bar.com", "127.0.0.2", "uk.foo.bar.com", "127.0.0.3",
        "in.foo.bar.com", "127.0.0.4", "api.dropboxapi.com", "127.0.0.9"));
    try (Mesh mesh = Mesh.builder().namespace("seexamples").configResource(Corpus.resource("pilot-testdata/se-example.yaml"))
        .outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY).dnsResolver(meshDns)
        .dnsRefreshInterval(Duration.ZERO).random(RandomSource.seeded(5)).build()) {
      Map<String, Integer> counts = Http.byBackend(client(mesh), 300, "http://foo.bar.com:8000/");
      assertThat(counts.keySet()).containsExactlyInAnyOrder("us", "uk", "in");
      for (String region : List.of("us", "uk", "in")) {
        assertShare(counts, region, 300, 1.0 / 3);
      }
      // *.bar.com, resolution NONE: known under REGISTRY_ONLY, sent to the address asked.
      Client viaProxy = client(mesh, ClientOptions.defaults().proxy(new InetSocketAddress("127.0.0.1", egress.port())));
      assertThat(Http.get(viaProxy, "http://api.bar.com/x").backend()).isEqualTo("egress-proxy");
      assertThat(egress.last().target()).isEqualTo("http://api.bar.com/x");
      // foo.bar.com is a service of its own, but on port 80 only the wildcard has a route for it.
      assertThat(Http.get(viaProxy, "http://foo.bar.com/y").backend()).isEqualTo("egress-proxy");
      assertThat(egress.last().target()).isEqualTo("http://foo.bar.com/y");
      assertThat(Http.get(viaProxy, "http://api.baz.com/x").status()).isEqualTo(502);
      assertThat(Http.get(viaProxy, "http://foo.bar.com:8001/x").status()).as("no service has port 8001")
          .isEqualTo(502);
      assertThat(egress.requestCount()).isEqualTo(2);
      // The unix-socket endpoint is ignored (warned), leaving example.unix.local without endpoints.
      assertThat(send(mesh, "http://example.unix.local:8001/").target()).isEqualTo("reply 503 UH");
      // The non-HTTP services are connections: to the service's endpoints (the TCP port's target
      // port; over the DestinationRule's mutual TLS for the MONGO one), and by the tls route naming
      // the server.
      assertThat(send(mesh, "http://test.seexamples:1200/").target()).isEqualTo("10.12.0.1:21200");
      RecordingExchange.Result mongo = send(mesh, "http://mymongodb.somedomain:27018/");
      assertThat(mongo.target()).isIn("2.2.2.2:27018", "3.3.3.3:27018");
      assertThat(mongo.sent().tls().mode()).isEqualTo(ClientTlsSettings.TlsMode.MUTUAL);
      assertThat(mongo.sent().sni()).isEqualTo("v1.mymongodb.somedomain");
      RecordingExchange.Result dropbox = send(mesh, "https://api.dropboxapi.com/");
      assertThat(dropbox.target()).isEqualTo("127.0.0.9:443");
      assertThat(dropbox.sent().sni()).isEqualTo("api.dropboxapi.com");
      assertThat(mesh.explain(MeshRequest.builder("https://api.dropboxapi.com/").build())
          .route()).isEqualTo("seexamples/tls-routing tls[0]");
    }
  }

  // --- static-weighted-se.yaml ---------------------------------------------------------------------

  static String lb(String simple) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: weighted, namespace: testns}
        spec:
          host: weighted.static.svc.cluster.local
          trafficPolicy: {loadBalancer: {simple: %s}}
        """.formatted(simple);
  }

  @Test
  @Covers("pilot-testdata/static-weighted-se.yaml")
  void staticWeightedSe_sharesTrafficOneEightThreeUnderEveryBalancer() throws IOException {
    int n = 1200;
    for (String simple : List.of("ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "")) {
      Mesh.Builder b = mesh("pilot-testdata/static-weighted-se.yaml");
      if (!simple.isEmpty()) {
        b.configYaml(lb(simple));
      }
      try (Mesh mesh = b.build()) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
          RecordingExchange.Result r = send(mesh, "http://weighted.static.svc.cluster.local/");
          counts.merge(r.target(), 1, Integer::sum);
        }
        String as = simple.isEmpty() ? "Istio's default" : simple;
        assertThat(counts.keySet()).as(as).containsExactlyInAnyOrder("3.3.3.3:80", "2.2.2.2:80", "1.1.1.1:80");
        if (simple.equals("RANDOM")) {
          // Envoy's random balancer ignores endpoint weights (random_lb.cc picks
          // hosts[random % size]); INDEX.md and SPEC 5 say weights apply to every algorithm,
          // but mesh4j follows Envoy: the three endpoints share traffic evenly.
          for (String e : List.of("3.3.3.3:80", "2.2.2.2:80", "1.1.1.1:80")) {
            assertShare(as + ": ", counts, e, n, 1.0 / 3);
          }
          continue;
        }
        assertShare(as + ": ", counts, "3.3.3.3:80", n, 1.0 / 12);
        assertShare(as + ": ", counts, "2.2.2.2:80", n, 8.0 / 12);
        assertShare(as + ": ", counts, "1.1.1.1:80", n, 3.0 / 12);
      }
    }
  }
}
