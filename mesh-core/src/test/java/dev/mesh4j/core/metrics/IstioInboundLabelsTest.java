package dev.mesh4j.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.runtime.Workload;
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
}
