package dev.mesh4j.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.testing.IstioPeerHeaders;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The labels of requests a workload answered, as its sidecar reports them ({@code reporter="destination"}). */
class IstioInboundLabelsTest {
  static final String PRODUCTPAGE = "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage";
  static final String REVIEWS = "spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews";

  final IstioMetricLabels labels = IstioMetricLabels.forWorkload(Workload.builder().namespace("bookinfo")
      .name("reviews-v2").label("app", "reviews").label("version", "v2").clusterId("east").build());

  static InboundRequest plain(String authority) {
    return new InboundRequest(authority, false, 200, null, "", null, null);
  }

  @Test
  void overMutualTlsTheClientIsItsCertificateAndTheServerItsWorkload() {
    Map<String, String> l = labels.ofInbound(new InboundRequest("reviews.bookinfo.svc.cluster.local:9080", false,
        503, null, "", PRODUCTPAGE, REVIEWS));
    assertThat(l).hasSize(25).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("reporter", "destination"),
        Map.entry("source_workload", "unknown"),
        Map.entry("source_workload_namespace", "bookinfo"),
        Map.entry("source_principal", PRODUCTPAGE),
        Map.entry("source_app", "unknown"),
        Map.entry("source_version", "unknown"),
        Map.entry("source_canonical_service", "unknown"),
        Map.entry("source_canonical_revision", "latest"),
        Map.entry("source_cluster", "unknown"),
        Map.entry("destination_workload", "reviews-v2"),
        Map.entry("destination_workload_namespace", "bookinfo"),
        Map.entry("destination_principal", REVIEWS),
        Map.entry("destination_app", "reviews"),
        Map.entry("destination_version", "v2"),
        Map.entry("destination_service", "reviews.bookinfo.svc.cluster.local"),
        Map.entry("destination_service_name", "reviews"),
        Map.entry("destination_service_namespace", "bookinfo"),
        Map.entry("destination_canonical_service", "reviews"),
        Map.entry("destination_canonical_revision", "v2"),
        Map.entry("destination_cluster", "east"),
        Map.entry("request_protocol", "http"),
        Map.entry("response_flags", "-"),
        Map.entry("connection_security_policy", "mutual_tls"),
        Map.entry("response_code", "503"),
        Map.entry("grpc_response_status", "")));
  }

  @Test
  void withoutBothCertificatesThePolicyIsNone() {
    assertThat(labels.ofInbound(plain("reviews:9080")))
        .containsEntry("connection_security_policy", "none")
        .containsEntry("source_principal", "unknown")
        .containsEntry("source_workload_namespace", "unknown")
        .containsEntry("destination_principal", "unknown");
    // A client certificate on a server presenting none of the mesh's: not Istio's mutual TLS.
    assertThat(labels.ofInbound(new InboundRequest("reviews", false, 200, null, "", PRODUCTPAGE, null)))
        .containsEntry("connection_security_policy", "none")
        .containsEntry("source_principal", PRODUCTPAGE);
  }

  @Test
  void theHostNamesTheServiceAsTheClustersDnsResolvedIt() {
    assertThat(labels.ofInbound(plain("reviews:9080"))).containsEntry("destination_service",
        "reviews.bookinfo.svc.cluster.local").containsEntry("destination_service_name", "reviews");
    assertThat(labels.ofInbound(plain("Reviews.bookinfo.svc"))).containsEntry("destination_service",
        "reviews.bookinfo.svc.cluster.local");
    assertThat(labels.ofInbound(plain("api.example.com:443"))).containsEntry("destination_service",
        "api.example.com").containsEntry("destination_service_name", "api.example.com");
    assertThat(labels.ofInbound(plain("10.0.0.7:9080"))).containsEntry("destination_service", "10.0.0.7");
    assertThat(labels.ofInbound(plain("[::1]:9080"))).containsEntry("destination_service", "[::1]");
    // No Host (HTTP/1.0): the workload's canonical service, as Istio's stats filter.
    assertThat(labels.ofInbound(new InboundRequest(null, false, 200, null, "", null, null)))
        .containsEntry("destination_service", "reviews").containsEntry("destination_service_name", "reviews");
  }

  @Test
  void hostsAClientSendsAreBounded() {
    for (int i = 0; i < 150; i++) {
      labels.ofInbound(plain("h" + i + ".example.com"));
    }
    assertThat(labels.ofInbound(plain("another.example.com"))).containsEntry("destination_service", "mesh4j_overflow");
    assertThat(labels.ofInbound(plain("h1.example.com"))).containsEntry("destination_service", "h1.example.com");
  }

  @Test
  void grpcRequestsCarryTheirStatusAndFlagsAreEnvoys() {
    assertThat(labels.ofInbound(new InboundRequest("reviews", true, 200, "14", "DC", null, null)))
        .containsEntry("request_protocol", "grpc")
        .containsEntry("grpc_response_status", "14")
        .containsEntry("response_flags", "DC");
  }

  static InboundRequest from(String peerMetadata, String peerPrincipal) {
    return new InboundRequest("reviews:9080", false, 200, null, "", peerPrincipal,
        peerPrincipal == null ? null : REVIEWS, peerMetadata);
  }

  @Test
  void aSidecardCallersMetadataNamesTheSource() {
    Map<String, String> l = labels.ofInbound(from(IstioPeerHeaders.PRODUCTPAGE_CLIENT, null));

    assertThat(l).hasSize(25).containsAllEntriesOf(Map.ofEntries(
        Map.entry("source_workload", "productpage-v1"),
        Map.entry("source_workload_namespace", "default"),
        Map.entry("source_app", "productpage"),
        Map.entry("source_version", "v1"),
        Map.entry("source_canonical_service", "productpage-v1"),
        Map.entry("source_canonical_revision", "version-1"),
        Map.entry("source_cluster", "client-cluster"),
        // Only a certificate makes a principal, and mutual TLS.
        Map.entry("source_principal", "unknown"),
        Map.entry("connection_security_policy", "none"),
        Map.entry("destination_workload", "reviews-v2")));
  }

  @Test
  void theCallersCertificateNamesItsNamespaceOverItsMetadata() {
    assertThat(labels.ofInbound(from(IstioPeerHeaders.PRODUCTPAGE_CLIENT, PRODUCTPAGE)))
        .containsEntry("source_workload", "productpage-v1")
        .containsEntry("source_workload_namespace", "bookinfo")
        .containsEntry("source_principal", PRODUCTPAGE)
        .containsEntry("connection_security_policy", "mutual_tls");
  }

  @Test
  void aHostileCallersMetadataIsIgnoredOrBounded() {
    Map<String, String> none = labels.ofInbound(from(null, null));
    assertThat(labels.ofInbound(from("not base64!", null))).isEqualTo(none);
    assertThat(labels.ofInbound(from("QUJD".repeat(5000), null))).isEqualTo(none);
    for (int i = 0; i < 100; i++) {
      labels.ofInbound(from(workload("caller-" + i), null));
    }
    assertThat(labels.ofInbound(from(workload("one-too-many"), null)))
        .containsEntry("source_workload", "mesh4j_overflow").containsEntry("source_app", "mesh4j_overflow");
    assertThat(labels.ofInbound(from(workload("caller-3"), null))).containsEntry("source_workload", "caller-3");
    assertThat(labels.ofInbound(from(IstioPeerHeaders.PRODUCTPAGE_CLIENT, null)))
        .containsEntry("source_workload", "mesh4j_overflow");
  }

  /** Metadata naming only a workload. */
  private static String workload(String name) {
    return Base64.getEncoder().encodeToString(Struct.newBuilder()
        .putFields("WORKLOAD_NAME", Value.newBuilder().setStringValue(name).build()).build().toByteArray());
  }
}
