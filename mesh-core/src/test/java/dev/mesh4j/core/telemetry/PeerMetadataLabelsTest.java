package dev.mesh4j.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.metrics.IstioMetricLabels;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.testing.IstioPeerHeaders;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sidecar'd server's answer names its workload ({@code x-envoy-peer-metadata}), and the request's
 * {@code destination_*} labels are what it said, as istio_stats takes them for a client sidecar.
 */
class PeerMetadataLabelsTest {
  static final String REVIEWS_SAN = "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews";

  private final List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
  private Mesh mesh;
  private IstioMetricLabels labels;

  @BeforeEach
  void start() {
    mesh = TelemetryFixtures.reviews().listener(new MeshListener() {
      @Override
      public void requestEnded(MeshCall call) {
        seen.add(labels.of(call));
      }
    }).build();
    labels = IstioMetricLabels.forWorkload(mesh.workload());
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  /** A request routed to reviews v2 (endpoint labels app=reviews, version=v2), answered by {@code exchange}. */
  private Map<String, String> call(RecordingExchange exchange) throws IOException {
    try (MeshContext.Scope s = mesh.captureContext(Map.of("end-user", "jason")::get).makeCurrent()) {
      mesh.execute(MeshRequest.builder(PropagationTest.URL).build(), exchange);
    }
    return seen.get(seen.size() - 1);
  }

  static String header(Map<String, String> fields, Map<String, String> labels) {
    Struct.Builder l = Struct.newBuilder();
    labels.forEach((k, v) -> l.putFields(k, Value.newBuilder().setStringValue(v).build()));
    Struct.Builder s = Struct.newBuilder();
    fields.forEach((k, v) -> s.putFields(k, Value.newBuilder().setStringValue(v).build()));
    s.putFields("LABELS", Value.newBuilder().setStructValue(l).build());
    return Base64.getEncoder().encodeToString(s.build().toByteArray());
  }

  @Test
  void theServersMetadataNamesTheDestinationWholeOverTheEndpointsLabels() throws IOException {
    Map<String, String> without = call(new RecordingExchange());
    assertThat(without).containsEntry("destination_workload", "unknown").containsEntry("destination_app", "reviews")
        .containsEntry("destination_version", "v2").containsEntry("destination_cluster", "unknown");

    Map<String, String> l = call(new RecordingExchange().answeringWithPeerMetadata(IstioPeerHeaders.RATINGS_SERVER));

    assertThat(l).containsAllEntriesOf(Map.ofEntries(
        Map.entry("destination_workload", "ratings-v1"),
        Map.entry("destination_workload_namespace", "default"),
        // The metadata wins whole: the endpoint's app=reviews, version=v2 are not mixed in.
        Map.entry("destination_app", "ratings"),
        Map.entry("destination_version", "v1"),
        Map.entry("destination_canonical_service", "ratings"),
        Map.entry("destination_canonical_revision", "version-1"),
        Map.entry("destination_cluster", "server-cluster"),
        // Where the request went is the route's, not the peer's.
        Map.entry("destination_service", "reviews.default.svc.cluster.local"),
        Map.entry("destination_service_name", "reviews"),
        Map.entry("destination_service_namespace", "default"),
        Map.entry("destination_principal", "unknown"),
        Map.entry("connection_security_policy", "unknown"),
        Map.entry("source_workload", "productpage-v1")));
    assertThat(l).hasSize(25);
  }

  @Test
  void overMutualTlsTheCertificateNamesTheNamespaceAndPrincipal() throws IOException {
    Map<String, String> l = call(new RecordingExchange().overMutualTls(REVIEWS_SAN)
        .answeringWithPeerMetadata(IstioPeerHeaders.RATINGS_SERVER));

    assertThat(l).containsEntry("destination_workload", "ratings-v1")
        .containsEntry("destination_workload_namespace", "bookinfo")
        .containsEntry("destination_principal", REVIEWS_SAN)
        .containsEntry("connection_security_policy", "mutual_tls");
  }

  @Test
  void aClaimedIdentityIsThePrincipalWithoutTlsButNeverMutualTls() throws IOException {
    String claimed = "spiffe://cluster.local/ns/default/sa/ratings";
    Map<String, String> l = call(new RecordingExchange().answeringWithPeerMetadata(header(
        Map.of("WORKLOAD_NAME", "ratings-v1", "IDENTITY", claimed), Map.of())));

    // istio_stats: the upstream's certificate, else the metadata's IDENTITY.
    assertThat(l).containsEntry("destination_principal", claimed)
        .containsEntry("connection_security_policy", "unknown")
        // Fields the metadata lacks are unknown (the revision latest), not the endpoint's.
        .containsEntry("destination_app", "unknown")
        .containsEntry("destination_canonical_revision", "latest")
        .containsEntry("destination_workload_namespace", "unknown")
        .containsEntry("destination_cluster", "unknown");
  }

  @Test
  void aMalformedOrOversizedHeaderIsNoMetadata() throws IOException {
    Map<String, String> plain = call(new RecordingExchange());
    for (String hostile : List.of("%%%not base64%%%", Base64.getEncoder().encodeToString(new byte[] {0x0A, 0x7F, 1}),
        "A".repeat(20_000), header(Map.of("WORKLOAD_NAME", "w".repeat(300)), Map.of()),
        header(Map.of("WORKLOAD_NAME", "ratings-v1"), Map.of("app", "a".repeat(254))))) {
      assertThat(call(new RecordingExchange().answeringWithPeerMetadata(hostile)))
          .as(hostile.substring(0, Math.min(40, hostile.length()))).isEqualTo(plain);
    }
  }

  @Test
  void peersAreBoundedSoAHostileServerAddsOneSeries() throws IOException {
    for (int i = 0; i < 100; i++) {
      call(new RecordingExchange().answeringWithPeerMetadata(header(Map.of("WORKLOAD_NAME", "w" + i), Map.of())));
    }
    // One more workload, and a new combination of workload and app both admitted before: overflow.
    Map<String, String> next = call(new RecordingExchange().answeringWithPeerMetadata(
        header(Map.of("WORKLOAD_NAME", "w100"), Map.of())));
    Map<String, String> mixed = call(new RecordingExchange().answeringWithPeerMetadata(
        header(Map.of("WORKLOAD_NAME", "w1"), Map.of("app", "w2"))));
    assertThat(next).containsEntry("destination_workload", "mesh4j_overflow")
        .containsEntry("destination_app", "mesh4j_overflow").containsEntry("destination_cluster", "mesh4j_overflow");
    assertThat(mixed).isEqualTo(next);
    // Peers already seen keep their names; so does another instance (Pod) of one of them.
    assertThat(call(new RecordingExchange().answeringWithPeerMetadata(
        header(Map.of("WORKLOAD_NAME", "w7", "NAME", "w7-5d9c-x2"), Map.of()))))
        .containsEntry("destination_workload", "w7");
  }
}
