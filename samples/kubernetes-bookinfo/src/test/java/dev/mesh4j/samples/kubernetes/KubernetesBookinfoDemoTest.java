package dev.mesh4j.samples.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's Kubernetes demo command runs this program: it must keep working and keep its promises. */
class KubernetesBookinfoDemoTest {

  @Test
  void everySceneShowsWhatTheApiServerSaysAndNoRequestFails() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> failures;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      failures = KubernetesBookinfoDemo.run(out, Duration.ofMillis(800));
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(text);

    assertThat(failures).isEmpty();
    assertThat(section(text, "1. All traffic to v1")).contains("anyone:  v1 100%  v2   0%  v3   0%");
    // The last line of a scene is well after the change: the new rule is in force.
    assertThat(lastLine(section(text, "4. jason goes to v2"))).contains("anyone:  v1   0%  v2   0%  v3 100%")
        .contains("jason:  v1   0%  v2 100%  v3   0%");
    assertThat(lastLine(section(text, "7. reviews-v3 scaled away"))).contains("v3   0%");
    assertThat(section(text, "7. reviews-v3 scaled away")).contains("Requests it got after it turned terminating: 0");
    assertThat(section(text, "8. An invalid VirtualService")).contains("rejected: VirtualService default/ratings");
    assertThat(section(text, "9. The API server restarts")).contains("source STALE").contains("source SYNCED")
        .containsPattern("requests during the outage: [1-9][0-9]*, failed: 0");
  }

  private static String section(String text, String title) {
    int start = text.indexOf("--- " + title);
    assertThat(start).as("scene %s", title).isNotNegative();
    int end = text.indexOf("\n--- ", start + 1);
    return end < 0 ? text.substring(start) : text.substring(start, end);
  }

  private static String lastLine(String section) {
    String last = "";
    for (String line : section.split("\n")) {
      if (line.contains("anyone:")) {
        last = line;
      }
    }
    return last;
  }
}
