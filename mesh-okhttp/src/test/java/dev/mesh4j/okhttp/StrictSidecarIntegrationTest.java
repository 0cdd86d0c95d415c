package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.MeshCa;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mesh4j as a mutual-TLS peer of a sidecar in {@code STRICT} mode, played by a real HAProxy that
 * requires a client certificate of the mesh CA and presents a SPIFFE certificate: {@code ISTIO_MUTUAL}
 * reaches it offering Istio's ALPN, a server that is not the identity expected or not of the mesh is
 * refused (503 {@code UF} saying why), plain text is refused by the server, and auto mTLS sends mutual
 * TLS to the endpoint labelled {@code tlsMode: istio} and plain text to the other.
 */
class StrictSidecarIntegrationTest {
  static final String REVIEWS = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
  static final String PRODUCTPAGE = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage";
  static final String ISTIO_MUTUAL = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        trafficPolicy:
          loadBalancer: {simple: ROUND_ROBIN}
          tls: {mode: ISTIO_MUTUAL%s}
      """;

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("cluster.local");
  final WorkloadIdentity productpage = ca.issue(PRODUCTPAGE).identity();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build();
  StrictSidecar sidecar;

  @BeforeEach
  void start() throws IOException {
    sidecar = StrictSidecar.builder(dir, ca, ca.issue(REVIEWS))
        .strict("http1", "istio-http/1.1,http/1.1")   // selects Istio's value when offered: proves it was
        .strict("envoy", "h2,http/1.1")              // an Envoy inbound listener's list
        .plain("plain")
        .start();
  }

  @AfterEach
  void stop() {
    sidecar.close();
    sdk.close();
  }

  Endpoint endpoint(String frontend) {
    return Endpoint.of("127.0.0.1", sidecar.port(frontend)).withPrincipal(REVIEWS)
        .withLabel("security.istio.io/tlsMode", "istio");
  }

  Mesh mesh(String tlsExtra, WorkloadIdentity identity, Endpoint... endpoints) {
    Mesh.Builder b = Mesh.builder().registry(new ServiceRegistry().register("reviews", 9080, endpoints))
        .openTelemetry(sdk).workloadName("productpage-v1");
    if (tlsExtra != null) {
      b.configYaml(ISTIO_MUTUAL.formatted(tlsExtra));
    }
    return (identity == null ? b : b.identity(identity)).build();
  }

  static Map<String, String> fields(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : body.trim().split(" ")) {
      int eq = kv.indexOf('=');
      out.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return out;
  }

  /** The serial of the client certificate HAProxy saw (it prints the bytes in hex). */
  static BigInteger clientSerial(Map<String, String> seen) {
    return new BigInteger(seen.get("client_serial"), 16);
  }

  static Response get(OkHttpClient client) throws IOException {
    return client.newCall(new Request.Builder().url("http://reviews:9080/reviews/1").build()).execute();
  }

  @Test
  void istioMutualReachesAStrictSidecarPresentingTheWorkloadCertificateAndOfferingIstiosAlpn() throws IOException {
    try (Mesh mesh = mesh("", productpage, endpoint("http1"))) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      String port;
      try (Response r = get(client)) {
        assertThat(r.code()).as(sidecar.log()).isEqualTo(200);
        assertThat(r.protocol()).isEqualTo(Protocol.HTTP_1_1);
        Map<String, String> seen = fields(r.body().string());
        assertThat(clientSerial(seen)).isEqualTo(productpage.certificate().getSerialNumber());
        assertThat(seen).containsEntry("tls", "1").containsEntry("verify", "0")
            // HAProxy prefers istio-http/1.1 and selected it: mesh4j offered it in its ClientHello.
            .containsEntry("alpn", "istio-http/1.1");
        port = seen.get("port");
      }
      try (Response r = get(client)) {
        assertThat(fields(r.body().string())).as("the pooled connection is reused").containsEntry("port", port);
      }
    }
  }

  @Test
  void againstAnEnvoyStyleAlpnListTheConnectionIsHttp2() throws IOException {
    try (Mesh mesh = mesh("", productpage, endpoint("envoy"))) {
      try (Response r = get(MeshOkHttp.newClient(mesh))) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.protocol()).isEqualTo(Protocol.HTTP_2);
        assertThat(fields(r.body().string())).containsEntry("alpn", "h2").containsEntry("tls", "1");
      }
    }
  }

  @Test
  void aServerThatIsNotTheIdentityExpectedIsRefusedWith503UfSayingWhy() throws IOException {
    String other = "spiffe://cluster.local/ns/default/sa/reviews-impostor-check";
    try (Mesh mesh = mesh(", subjectAltNames: [\"" + other + "\"]", productpage, endpoint("http1"));
        Response r = get(MeshOkHttp.newClient(mesh))) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(r.header("x-mesh4j-flags")).isEqualTo("UF,URX");
      assertThat(r.body().string()).isEqualTo("upstream connect error or disconnect/reset before headers."
          + " retried and the latest reset reason: connection failure, transport failure reason: TLS error:"
          + " the peer's certificate names [" + REVIEWS + "], none of the expected identities [" + other + "]");
    }
  }

  @Test
  void aServerOfAnotherMeshIsRefusedWith503UfSayingWhy() throws IOException {
    WorkloadIdentity foreign = MeshCa.create("other mesh").issue(PRODUCTPAGE).identity();
    try (Mesh mesh = mesh("", foreign, endpoint("http1")); Response r = get(MeshOkHttp.newClient(mesh))) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(r.header("x-mesh4j-flags")).isEqualTo("UF,URX");
      assertThat(r.body().string()).contains("reset reason: connection failure, transport failure reason: TLS error:")
          .contains("PKIX path");
    }
  }

  @Test
  void theStrictServerRefusesPlainTextAndClientsWithoutAMeshCertificate() {
    OkHttpClient plain = new OkHttpClient();
    assertThatThrownBy(() -> plain.newCall(new Request.Builder()
        .url("http://127.0.0.1:" + sidecar.port("http1") + "/").build()).execute().close())
        .isInstanceOf(IOException.class);
    // TLS trusting the mesh's root, but without a client certificate: the handshake fails.
    HandshakeCertificates trustOnly = new HandshakeCertificates.Builder().addTrustedCertificate(ca.root()).build();
    OkHttpClient noCertificate = new OkHttpClient.Builder()
        .sslSocketFactory(trustOnly.sslSocketFactory(), trustOnly.trustManager())
        .hostnameVerifier((host, session) -> true).build();
    assertThatThrownBy(() -> noCertificate.newCall(new Request.Builder()
        .url("https://127.0.0.1:" + sidecar.port("http1") + "/").build()).execute().close())
        .isInstanceOf(IOException.class);
    // mesh4j without an identity is refused too: ISTIO_MUTUAL fails closed, nothing in plain text.
    try (Mesh mesh = mesh("", null, endpoint("http1")); Response r = get(MeshOkHttp.newClient(mesh))) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(r.header("x-mesh4j-flags")).isEqualTo("UF");
      assertThat(r.body().string()).contains("ISTIO_MUTUAL requires a workload identity");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void autoMtlsSendsMutualTlsToTheSidecarAndPlainTextToTheWorkloadWithoutOneBothOnTheWire() throws IOException {
    Endpoint withoutSidecar = Endpoint.of("127.0.0.1", sidecar.port("plain"));
    String roundRobin = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
        """;
    try (Mesh mesh = Mesh.builder().registry(new ServiceRegistry().register("reviews", 9080, endpoint("http1"),
        withoutSidecar)).configYaml(roundRobin).identity(productpage).openTelemetry(sdk).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      Map<String, Map<String, String>> byFrontend = new LinkedHashMap<>();
      for (int i = 0; i < 4; i++) {
        try (Response r = get(client)) {
          assertThat(r.code()).isEqualTo(200);
          Map<String, String> seen = fields(r.body().string());
          byFrontend.put(seen.get("name"), seen);
        }
      }
      assertThat(byFrontend).containsOnlyKeys("http1", "plain");
      assertThat(byFrontend.get("http1")).containsEntry("tls", "1");
      assertThat(clientSerial(byFrontend.get("http1"))).isEqualTo(productpage.certificate().getSerialNumber());
      assertThat(byFrontend.get("plain")).containsEntry("tls", "0");
    }
    assertThat(requests("destination_principal")).containsOnlyKeys(REVIEWS, "unknown");
    assertThat(requests("connection_security_policy")).containsOnlyKeys("mutual_tls", "unknown");
  }

  @Test
  void theMetricsNameThePrincipalsOfTheMutualTlsConnectionAndItsPolicy() throws IOException {
    try (Mesh mesh = mesh("", productpage, endpoint("http1")); Response r = get(MeshOkHttp.newClient(mesh))) {
      r.body().string();
    }
    LongPointData point = metrics.collectAllMetrics().stream().filter(m -> m.getName().equals("istio_requests_total"))
        .findFirst().orElseThrow().getLongSumData().getPoints().iterator().next();
    Attributes labels = point.getAttributes();
    assertThat(labels.get(AttributeKey.stringKey("destination_principal"))).isEqualTo(REVIEWS);
    assertThat(labels.get(AttributeKey.stringKey("source_principal"))).isEqualTo(PRODUCTPAGE);
    assertThat(labels.get(AttributeKey.stringKey("connection_security_policy"))).isEqualTo("mutual_tls");
    assertThat(labels.get(AttributeKey.stringKey("reporter"))).isEqualTo("source");
  }

  /** Requests counted per value of one label of istio_requests_total. */
  Map<String, Long> requests(String label) {
    Map<String, Long> out = new LinkedHashMap<>();
    metrics.collectAllMetrics().stream().filter(m -> m.getName().equals("istio_requests_total")).findFirst()
        .orElseThrow().getLongSumData().getPoints().forEach(p ->
            out.merge(p.getAttributes().get(AttributeKey.stringKey(label)), p.getValue(), Long::sum));
    return out;
  }

  @Test
  void theWorkloadCertificateIsCheckedBeforeTheMeshIsBuilt() {
    MeshCa.Issued a = ca.issue(PRODUCTPAGE);
    MeshCa.Issued b = ca.issue(PRODUCTPAGE);
    assertThatThrownBy(() -> WorkloadIdentity.of(List.of(a.certificate()), b.key(), List.of(ca.root())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not the key of the certificate");
  }
}
