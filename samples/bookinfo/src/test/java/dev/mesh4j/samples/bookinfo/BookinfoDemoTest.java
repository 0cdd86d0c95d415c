package dev.mesh4j.samples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's demo command runs this program: it must keep working and keep its promises. */
class BookinfoDemoTest {

  @Test
  void everySceneShowsWhatItsManifestSays() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      BookinfoDemo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    original.println(text);
    assertThat(section(text, "1. All traffic to v1")).contains("reviews-v1                        200  100.0%");
    assertThat(section(text, "2b. The same canary built in Java")).contains("reviews-v3").contains("reviews-v1")
        .contains("reviews-v2                         20  100.0%");
    assertThat(section(text, "3. end-user: jason")).contains("reviews-v2                        200  100.0%")
        .contains("reviews-v1                        200  100.0%");
    assertThat(text).contains("VirtualService:   default/reviews");
    assertThat(section(text, "4. ?test-v2=true")).contains("reviews-v2                        200  100.0%");
    assertThat(section(text, "5. A host that is not a service"))
        .contains("httpbin.org                        20  100.0%")
        .contains("502 (empty body)                   20  100.0%")
        .contains("requests that reached httpbin.org under REGISTRY_ONLY: 0");
    String sticky = section(text, "6. Sticky sessions");
    for (String user : java.util.List.of("alice", "bob", "carol", "dave", "erin")) {
      // Each user's 20 requests all went to one pod, before and after the fourth pod joined.
      assertThat(sticky).containsPattern("(?m)^   " + user + " +reviews-v\\d +reviews-v\\d");
    }
    assertThat(sticky).containsPattern("users that moved: [0-5] of 5");
    assertThat(section(text, "8. A 7 s delay for jason")).contains("jason: timed out")
        .contains("ratings received 0 of jason's requests").contains("everyone else: {ratings-v1=20}");
    assertThat(section(text, "9. Half of the calls")).contains("500 FI fault filter abort");
    assertThat(section(text, "10. reviews-v2 turns bad")).contains("reviews-v2 is ejected");
    assertThat(section(text, "11. A burst of 12 calls")).contains("503 UO (shed)").contains("ratings-v1");
    assertThat(section(text, "12. Istio's mutual TLS"))
        .contains("plain text to the sidecar:      refused")
        .contains("productpage without identity:   503 UF (fails closed, nothing sent in plain text)")
        .contains("ISTIO_MUTUAL requires a workload identity")
        .contains("productpage with identity:      reviews-v1")
        .containsPattern("istio_requests_total\\{[^}]*connection_security_policy=\"mutual_tls\"[^}]*"
            + "destination_principal=\"" + MutualTlsScene.REVIEWS_ID + "\"[^}]*\\} 1");
    String telemetry = section(text, "7. Telemetry");
    assertThat(telemetry).contains("productpage answered:   200 productpage-v1 <- reviews-v2")
        .contains("end-user:          jason")
        .contains("x-request-id:      " + TelemetryScene.REQUEST_ID)
        .contains("x-b3-traceid:      " + TelemetryScene.TRACE_ID)
        .contains("trace " + TelemetryScene.TRACE_ID + "  (one trace across the hops)")
        .contains("reviews-v2 server (its traceparent names this span as parent)")
        .containsPattern("istio_requests_total\\{[^}]*destination_version=\"v2\",destination_workload=\"reviews-v2\""
            + "[^}]*reporter=\"source\"[^}]*\\} 1");
    // details-v1 answered as a pod behind an Istio sidecar: its metadata names it, whole.
    assertThat(telemetry).contains("details (behind an Istio sidecar) answered: details-v1; "
        + "x-envoy-peer-metadata reached productpage: no (read, then removed)");
    String details = telemetry.lines().filter(l -> l.contains("istio_requests_total{")
        && l.contains("destination_workload=\"details-v1\"")).findFirst().orElseThrow();
    assertThat(details).contains("destination_cluster=\"Kubernetes\"", "destination_app=\"details\"",
        "destination_canonical_service=\"details\"", "destination_canonical_revision=\"v1\"",
        "destination_workload_namespace=\"default\"", "source_workload=\"productpage-v1\"");
    // The scrape shows the full label set, as a sidecar's does.
    for (String label : List.of("reporter", "source_workload", "source_workload_namespace", "source_principal",
        "source_app", "source_version", "source_canonical_service", "source_canonical_revision", "source_cluster",
        "destination_workload", "destination_workload_namespace", "destination_principal", "destination_app",
        "destination_version", "destination_service", "destination_service_name", "destination_service_namespace",
        "destination_canonical_service", "destination_canonical_revision", "destination_cluster", "request_protocol",
        "response_flags", "connection_security_policy", "response_code", "grpc_response_status")) {
      assertThat(details).contains(label + "=\"");
    }
  }

  private static String section(String text, String title) {
    int start = text.indexOf(title);
    assertThat(start).as("scene %s", title).isNotNegative();
    int end = text.indexOf("\n--- ", start + 1);
    return end < 0 ? text.substring(start) : text.substring(start, end);
  }
}
