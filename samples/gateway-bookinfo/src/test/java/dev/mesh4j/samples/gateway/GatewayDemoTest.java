package dev.mesh4j.samples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo runs to its end, and says what the README says it shows. */
class GatewayDemoTest {
  @Test
  void printsTheAddressAndTheLiveShares() throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    System.setProperty("gateway.demo.seconds", "3");
    try {
      GatewayDemo.main(new String[0]);
    } finally {
      System.setOut(out);
      System.clearProperty("gateway.demo.seconds");
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    out.print(text);
    assertThat(text).containsPattern("Open in a browser: +http://127\\.0\\.0\\.1:[0-9]+/productpage")
        .contains("GET /health through the gateway: 404 NR")
        .containsPattern("requests \\(0 from the browser\\) +productpage v1 +[0-9.]+% +v2 +[0-9.]+% +failed: 0")
        .contains("Done");
  }
}
