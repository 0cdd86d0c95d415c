package dev.mesh4j.samples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
    assertThat(section(text, "3. end-user: jason")).contains("reviews-v2                        200  100.0%")
        .contains("reviews-v1                        200  100.0%");
    assertThat(text).contains("VirtualService:   default/reviews");
    assertThat(section(text, "4. ?test-v2=true")).contains("reviews-v2                        200  100.0%");
    assertThat(section(text, "5. A host that is not a service"))
        .contains("httpbin.org                        20  100.0%")
        .contains("502 (empty body)                   20  100.0%")
        .contains("requests that reached httpbin.org under REGISTRY_ONLY: 0");
    String telemetry = section(text, "6. Telemetry");
    assertThat(telemetry).contains("productpage answered:   200 productpage-v1 <- reviews-v2")
        .contains("end-user:          jason")
        .contains("x-request-id:      " + TelemetryScene.REQUEST_ID)
        .contains("x-b3-traceid:      " + TelemetryScene.TRACE_ID)
        .contains("trace " + TelemetryScene.TRACE_ID + "  (one trace across the hops)")
        .contains("reviews-v2 server (its traceparent names this span as parent)")
        .containsPattern("istio_requests_total\\{[^}]*destination_version=\"v2\"[^}]*reporter=\"source\"[^}]*\\} 1");
  }

  private static String section(String text, String title) {
    int start = text.indexOf(title);
    assertThat(start).as("scene %s", title).isNotNegative();
    int end = text.indexOf("\n--- ", start + 1);
    return end < 0 ? text.substring(start) : text.substring(start, end);
  }
}
