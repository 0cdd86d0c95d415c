package dev.mesh4j.samples.istiod;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo runs to its end, and says what the README says it shows. */
class IstiodBookinfoDemoTest {
  @Test
  void runsEveryScene() throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      IstiodBookinfoDemo.main(new String[0]);
    } finally {
      System.setOut(out);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    out.print(text);
    assertThat(text).contains("reviews: reviews-v1 100%")
        .contains("reviews as jason: reviews-v2 100%")
        .contains("ratings as jason: 500 100%")
        .contains("state=STALE")
        .contains("istiod received a NACK: RouteConfiguration outbound|9080||reviews.default.svc.cluster.local")
        .contains("details: details-v2 100%")
        .doesNotContainPattern("failed: [1-9]");
  }
}
