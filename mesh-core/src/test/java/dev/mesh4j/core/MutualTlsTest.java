package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ClientTlsSettings.TlsMode;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.MeshCa;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.TestIdentitySource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ISTIO_MUTUAL} and Istio's auto mTLS in the engine: which attempts go out with the
 * workload identity, which names the server must carry, and that a request needing an identity
 * the mesh does not have fails closed (503 {@code UF}, saying why) instead of going out in plain
 * text.
 */
class MutualTlsTest {
  static final String REVIEWS_SA = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
  static final String OTHER_SA = "spiffe://cluster.local/ns/default/sa/reviews-canary";
  static final String ISTIO_MUTUAL = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
      """;
  /** No tls setting: auto mTLS decides per endpoint. Round robin, to reach both endpoints in turn. */
  static final String ROUND_ROBIN = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
      """;

  final MeshCa ca = MeshCa.create("mesh");
  final WorkloadIdentity identity = ca.issue("spiffe://cluster.local/ns/default/sa/productpage").identity();

  static Endpoint sidecar(String ip) {
    return Endpoint.of(ip, 9080).withLabel("security.istio.io/tlsMode", "istio").withPrincipal(REVIEWS_SA);
  }

  static ServiceRegistry registry(Endpoint... endpoints) {
    return new ServiceRegistry().register("reviews", 9080, endpoints);
  }

  static RecordingExchange.Result send(Mesh mesh, String url) throws IOException {
    return mesh.execute(MeshRequest.builder(url).build(), new RecordingExchange());
  }

  @Test
  void istioMutualPresentsTheIdentityAndExpectsTheServiceAccountsOfTheServicesEndpoints() throws IOException {
    ServiceRegistry registry = registry(sidecar("10.0.0.1"),
        Endpoint.of("10.0.0.2", 9080).withPrincipal(OTHER_SA), Endpoint.of("10.0.0.3", 9080));
    try (Mesh mesh = Mesh.builder().registry(registry).configYaml(ISTIO_MUTUAL).identity(identity).build()) {
      assertThat(mesh.warnings()).isEmpty();
      for (int i = 0; i < 6; i++) {
        UpstreamRequest sent = send(mesh, "http://reviews:9080/reviews/1").sent();
        assertThat(sent.scheme()).isEqualTo("https");
        assertThat(sent.tls().mode()).isEqualTo(TlsMode.ISTIO_MUTUAL);
        assertThat(sent.identity()).isSameAs(identity);
        // Every endpoint gets mutual TLS (the DestinationRule says so, whatever the labels), and the
        // server may be any of the service's accounts, as istiod lists them for the cluster.
        assertThat(sent.tls().subjectAltNames()).containsExactly(REVIEWS_SA, OTHER_SA);
        assertThat(sent.sni()).isEqualTo("reviews.default.svc.cluster.local");
      }
      Explanation e = mesh.explain(MeshRequest.builder("http://reviews:9080/").build());
      assertThat(e.policies()).anySatisfy(p -> assertThat(p.toString())
          .contains("ISTIO_MUTUAL as spiffe://cluster.local/ns/default/sa/productpage")
          .contains("URI SAN against [" + REVIEWS_SA + ", " + OTHER_SA + "]"));
    }
  }

  @Test
  void aDestinationRulesSubjectAltNamesAndSniWinOverTheDerivedOnes() throws IOException {
    String rule = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            tls: {mode: ISTIO_MUTUAL, sni: reviews.example, subjectAltNames: ["spiffe://other.domain/ns/x/sa/y"]}
        """;
    try (Mesh mesh = Mesh.builder().registry(registry(sidecar("10.0.0.1"))).configYaml(rule).identity(identity)
        .build()) {
      UpstreamRequest sent = send(mesh, "http://reviews:9080/").sent();
      assertThat(sent.tls().subjectAltNames()).containsExactly("spiffe://other.domain/ns/x/sa/y");
      assertThat(sent.sni()).isEqualTo("reviews.example");
    }
  }

  @Test
  void aServiceEntrysSubjectAltNamesAndWorkloadEntryServiceAccountsAreTheExpectedIdentities() throws IOException {
    String config = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ratings, namespace: shop}
        spec:
          hosts: [ratings.shop.svc.cluster.local]
          location: MESH_INTERNAL
          ports: [{number: 9080, name: http, protocol: HTTP}]
          resolution: STATIC
          subjectAltNames: ["spiffe://cluster.local/ns/shop/sa/legacy"]
          workloadSelector: {labels: {app: ratings}}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: ratings-vm, namespace: shop}
        spec:
          address: 10.1.0.1
          labels: {app: ratings, security.istio.io/tlsMode: istio}
          serviceAccount: ratings-vm
        """;
    try (Mesh mesh = Mesh.builder().configYaml(config).identity(identity)
        .workload(dev.mesh4j.api.runtime.Workload.builder().trustDomain("corp.example").build()).build()) {
      UpstreamRequest sent = send(mesh, "http://ratings.shop.svc.cluster.local:9080/").sent();
      assertThat(sent.endpoint().principal()).isEqualTo("spiffe://corp.example/ns/shop/sa/ratings-vm");
      assertThat(sent.tls().mode()).as("auto mTLS: the entry is labelled").isEqualTo(TlsMode.ISTIO_MUTUAL);
      assertThat(sent.tls().subjectAltNames())
          .containsExactly("spiffe://cluster.local/ns/shop/sa/legacy", "spiffe://corp.example/ns/shop/sa/ratings-vm");
    }
  }

  @Test
  void autoMtlsSendsMutualTlsToEndpointsLabelledIstioAndPlainTextToTheOthers() throws IOException {
    ServiceRegistry registry = registry(sidecar("10.0.0.1"), Endpoint.of("10.0.0.2", 9080));
    try (Mesh mesh = Mesh.builder().registry(registry).configYaml(ROUND_ROBIN).identity(identity).build()) {
      Map<String, UpstreamRequest> byEndpoint = new LinkedHashMap<>();
      for (int i = 0; i < 4; i++) {
        UpstreamRequest sent = send(mesh, "http://reviews:9080/").sent();
        byEndpoint.put(sent.endpoint().address(), sent);
      }
      assertThat(byEndpoint).containsOnlyKeys("10.0.0.1", "10.0.0.2");
      UpstreamRequest meshed = byEndpoint.get("10.0.0.1");
      assertThat(meshed.scheme()).isEqualTo("https");
      assertThat(meshed.tls().mode()).isEqualTo(TlsMode.ISTIO_MUTUAL);
      assertThat(meshed.identity()).isSameAs(identity);
      assertThat(meshed.tls().subjectAltNames()).containsExactly(REVIEWS_SA);
      UpstreamRequest plain = byEndpoint.get("10.0.0.2");
      assertThat(plain.scheme()).isEqualTo("http");
      assertThat(plain.tls()).isNull();
      assertThat(plain.identity()).isNull();
      assertThat(mesh.explain(MeshRequest.builder("http://reviews:9080/").build()).policies())
          .anySatisfy(p -> assertThat(p.value()).startsWith("auto mTLS: 1 of 2 endpoints labelled"
              + " security.istio.io/tlsMode: istio get ISTIO_MUTUAL"));
    }
  }

  @Test
  void withoutAnIdentityConfiguredEveryEndpointGetsPlainTextAsFromAClientOutsideTheMesh() throws IOException {
    try (Mesh mesh = Mesh.builder().registry(registry(sidecar("10.0.0.1"))).build()) {
      UpstreamRequest sent = send(mesh, "http://reviews:9080/").sent();
      assertThat(sent.tls()).isNull();
      assertThat(sent.scheme()).isEqualTo("http");
      assertThat(mesh.explain(MeshRequest.builder("http://reviews:9080/").build()).notes())
          .anySatisfy(n -> assertThat(n).contains("get plain text: auto mTLS needs a workload identity"));
    }
  }

  @Test
  void autoMtlsStaysOffWhereIstioTurnsItOff() throws IOException {
    String disable = ISTIO_MUTUAL.replace("ISTIO_MUTUAL", "DISABLE");
    try (Mesh mesh = Mesh.builder().registry(registry(sidecar("10.0.0.1"))).configYaml(disable).identity(identity)
        .build()) {
      assertThat(send(mesh, "http://reviews:9080/").sent().tls()).as("tls DISABLE").isNull();
    }
    String external = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: partner}
        spec:
          hosts: [api.partner.example]
          location: MESH_EXTERNAL
          ports: [{number: 80, name: http, protocol: HTTP}]
          resolution: STATIC
          endpoints: [{address: 10.9.0.1, labels: {security.istio.io/tlsMode: istio}}]
        """;
    try (Mesh mesh = Mesh.builder().configYaml(external).identity(identity).build()) {
      assertThat(send(mesh, "http://api.partner.example/").sent().tls()).as("outside the mesh").isNull();
    }
    try (Mesh mesh = Mesh.builder().registry(registry(sidecar("10.0.0.1"))).identity(identity).build()) {
      UpstreamRequest sent = send(mesh, "https://reviews:9080/").sent();
      assertThat(sent.tls()).as("an https request keeps the application's own TLS").isNull();
      assertThat(sent.scheme()).isEqualTo("https");
    }
  }

  @Test
  void requestsThatNeedAnIdentityTheMeshDoesNotHaveFailClosedSayingWhy() throws IOException {
    TestIdentitySource source = new TestIdentitySource();
    ServiceRegistry registry = registry(sidecar("10.0.0.1"), Endpoint.of("10.0.0.2", 9080));
    try (Mesh mesh = Mesh.builder().registry(registry).configYaml(ROUND_ROBIN).identity(source).build()) {
      source.fail("/var/lib/istio/data/cert-chain.pem does not exist");
      assertThat(mesh.identity()).isNull();
      int failed = 0;
      int plain = 0;
      for (int i = 0; i < 4; i++) {
        RecordingExchange.Result r = send(mesh, "http://reviews:9080/");
        if (r.wasSent()) {
          assertThat(r.sent().endpoint().address()).isEqualTo("10.0.0.2");
          assertThat(r.sent().tls()).isNull();
          plain++;
        } else {
          assertThat(r.target()).isEqualTo("reply 503 UF");
          assertThat(r.reply().body()).contains("mutual TLS to outbound|9080||reviews.default.svc.cluster.local"
              + " needs the workload identity, and no workload identity: /var/lib/istio/data/cert-chain.pem does"
              + " not exist; nothing was sent");
          failed++;
        }
      }
      assertThat(failed).as("the endpoint labelled istio fails closed").isEqualTo(2);
      assertThat(plain).as("the other one is plain text, as always").isEqualTo(2);
      assertThat(mesh.explain(MeshRequest.builder("http://reviews:9080/").build()).notes())
          .anySatisfy(n -> assertThat(n).contains("fail closed (503 UF)").contains("cert-chain.pem does not exist"));
    }
    source = new TestIdentitySource();
    try (Mesh mesh = Mesh.builder().registry(registry).configYaml(ISTIO_MUTUAL).identity(source).build()) {
      RecordingExchange.Result r = send(mesh, "http://reviews:9080/");
      assertThat(r.target()).isEqualTo("reply 503 UF");
      assertThat(r.reply().body()).contains("no workload identity yet: test-ca has not delivered one");
      Explanation e = mesh.explain(MeshRequest.builder("http://reviews:9080/").build());
      assertThat(e.outcome().status()).isEqualTo(503);
      assertThat(e.outcome().detail()).isEqualTo("fails closed: ISTIO_MUTUAL without a workload identity");
      assertThat(e.outcome().body()).contains("test-ca has not delivered one");

      source.deliver(identity);
      assertThat(send(mesh, "http://reviews:9080/").sent().identity()).isSameAs(identity);
    }
    assertThat(source.isClosed()).as("closed with the mesh").isTrue();
  }

  @Test
  void aRotationReachesTheNextRequestAndABadOneKeepsTheLastGoodIdentity() throws IOException {
    TestIdentitySource source = new TestIdentitySource(identity);
    try (Mesh mesh = Mesh.builder().registry(registry(sidecar("10.0.0.1"))).identity(source).build()) {
      List<WorkloadIdentity> seen = new java.util.ArrayList<>();
      mesh.watchIdentity(seen::add);
      assertThat(send(mesh, "http://reviews:9080/").sent().identity()).isSameAs(identity);
      WorkloadIdentity rotated = ca.issue("spiffe://cluster.local/ns/default/sa/productpage").identity();
      source.deliver(rotated);
      assertThat(send(mesh, "http://reviews:9080/").sent().identity()).isSameAs(rotated);
      source.fail("key.pem is not the private key of the certificate in cert-chain.pem");
      assertThat(send(mesh, "http://reviews:9080/").sent().identity()).as("kept").isSameAs(rotated);
      assertThat(seen).containsExactly(identity, rotated);
    }
  }

  @Test
  void aCertificateNotValidYetReplacesTheIdentityOnlyWhenItBecomesValid() throws IOException {
    FakeClock ticker = new FakeClock();
    Instant now = Instant.now();
    WorkloadIdentity current = ca.issue("spiffe://cluster.local/ns/default/sa/productpage", MeshCa.KeyForm.SEC1_EC,
        now.minusSeconds(60), Duration.ofHours(24)).identity();
    WorkloadIdentity future = ca.issue("spiffe://cluster.local/ns/default/sa/productpage", MeshCa.KeyForm.SEC1_EC,
        now.plus(Duration.ofHours(1)), Duration.ofHours(24)).identity();
    TestIdentitySource source = new TestIdentitySource(current);
    try (Mesh mesh = Mesh.builder().registry(registry(sidecar("10.0.0.1"))).identity(source)
        .scheduler(ticker).ticker(ticker).clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
      source.deliver(future);
      assertThat(send(mesh, "http://reviews:9080/").sent().identity()).as("peers would refuse it yet")
          .isSameAs(current);
      ticker.advance(Duration.ofMinutes(59));
      assertThat(mesh.identity()).isSameAs(current);
      ticker.advance(Duration.ofMinutes(2));
      assertThat(send(mesh, "http://reviews:9080/").sent().identity()).isSameAs(future);
    }
  }

  @Test
  void anIdentityThatExpiresWithoutReplacementStopsServing() throws IOException {
    FakeClock ticker = new FakeClock();
    Instant now = Instant.now();
    WorkloadIdentity hour = ca.issue("spiffe://cluster.local/ns/default/sa/productpage", MeshCa.KeyForm.SEC1_EC,
        now.minusSeconds(60), Duration.ofSeconds(3660)).identity();
    TestIdentitySource source = new TestIdentitySource(hour);
    try (Mesh mesh = Mesh.builder().registry(registry(sidecar("10.0.0.1"))).identity(source)
        .scheduler(ticker).ticker(ticker).clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
      source.fail("istiod unreachable");
      ticker.advance(Duration.ofMinutes(59));
      assertThat(send(mesh, "http://reviews:9080/").sent().identity()).isSameAs(hour);
      ticker.advance(Duration.ofMinutes(2));
      RecordingExchange.Result r = send(mesh, "http://reviews:9080/");
      assertThat(r.target()).isEqualTo("reply 503 UF");
      assertThat(r.reply().body()).contains("has expired and no usable new one was delivered (last problem:"
          + " istiod unreachable)");
    }
  }

  @Test
  void newEndpointsChangeTheExpectedIdentitiesWithoutARecompile() throws IOException {
    ServiceRegistry registry = registry(sidecar("10.0.0.1"));
    try (Mesh mesh = Mesh.builder().registry(registry).configYaml(ISTIO_MUTUAL).identity(identity).build()) {
      assertThat(send(mesh, "http://reviews:9080/").sent().tls().subjectAltNames()).containsExactly(REVIEWS_SA);
      registry.register("reviews", 9080, sidecar("10.0.0.1"), Endpoint.of("10.0.0.4", 9080).withPrincipal(OTHER_SA));
      assertThat(send(mesh, "http://reviews:9080/").sent().tls().subjectAltNames())
          .containsExactly(REVIEWS_SA, OTHER_SA);
    }
  }
}
