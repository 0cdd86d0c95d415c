package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Config and request text in messages: a value can neither forge a log line (control characters
 * are escaped wherever a problem, a warning, a rejected reload or an explanation quotes it) nor
 * flood a log (long values are cut, saying how long they were).
 */
class ConfigTextInMessagesTest {
  private static final String VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews}
      """;

  @Test
  void anUnknownFieldNamedWithALineBreakIsWarnedOnOneLine() {
    MeshConfig config = load(VS.replace("spec:\n", "spec:\n  \"x\\nmesh4j config: forged\": 1\n"));

    assertThat(config.warnings()).singleElement().satisfies(w -> {
      assertThat(w.toString()).doesNotContain("\n")
          .isEqualTo("x.yaml#1 spec.\"x\\nmesh4j config: forged\": unknown field (ignored)");
    });
  }

  @Test
  void aValueWithLineBreaksIsEscapedInTheRejection() {
    MeshConfigException e = catchThrowableOfType(
        () -> load(VS.replace("host: reviews}", "host: \"reviews\\r\\n  x.yaml#1 spec.hosts: forged\"}")),
        MeshConfigException.class);

    // One header line and one line per error: nothing the value holds starts a line of its own.
    assertThat(e.getMessage().lines()).hasSize(1 + e.errors().size());
    assertThat(e.errors()).anySatisfy(p -> assertThat(p.message()).contains("\\r\\n  x.yaml#1 spec.hosts: forged"));
  }

  @Test
  void aHugeValueIsCutWithItsLength() {
    String digits = "1".repeat(200_000);
    ConfigProblem p = singleError(VS.replace("- route:", "- timeout: " + digits + "s\n    route:"));

    assertThat(p.path()).isEqualTo("spec.http[0].timeout");
    assertThat(p.message()).hasSizeLessThan(400).contains("(200001 characters)");
  }

  @Test
  void aHugeFieldNameIsCutInThePath() {
    // YAML limits implicit keys to 1024 characters; an explicit key may be longer.
    String name = "f".repeat(100_000);
    MeshConfig config = load(VS.replace("spec:\n", "spec:\n  ? " + name + "\n  : 1\n"));

    assertThat(config.warnings()).singleElement().satisfies(w -> {
      assertThat(w.path()).hasSizeLessThan(300).contains("(100000 characters)");
      assertThat(w.message()).isEqualTo("unknown field (ignored)");
    });
  }

  @Test
  void aProblemBuiltWithControlCharactersIsRenderedOnOneLine() {
    // The backstop where problems are rendered: whatever a message holds, it stays on one line.
    ConfigProblem p = new ConfigProblem(ConfigProblem.Severity.ERROR, new ConfigOrigin("a\nb.yaml", 1),
        "spec.x", "bad \"v\u2028\"\r\n");

    assertThat(p.toString()).isEqualTo("a\\nb.yaml#1 spec.x: bad \"v\\u2028\"\\r\\n");
    assertThat(new MeshConfigException(List.of(p)).getMessage().lines()).hasSize(2);
  }

  @Test
  void problemsEscapeWhatReachesThemUnquoted() {
    Problems problems = new Problems();
    problems.error(new ConfigOrigin("x.yaml", 1), "spec.\u0007", "header name a\nb is not valid" + "z".repeat(5000));

    ConfigProblem p = problems.all().get(0);
    assertThat(p.path()).isEqualTo("spec.\\x07");
    assertThat(p.message()).startsWith("header name a\\nb is not valid").hasSizeLessThan(2100)
        .containsPattern("… \\(message of \\d+ characters cut\\)$");
  }

  @Test
  void explainEscapesRequestData() throws Exception {
    try (Mesh mesh = Mesh.builder()
        .registry(new ServiceRegistry().register("reviews", 9080, Endpoint.of("10.0.0.1", 9080)))
        .configYaml(VS.replace("- route:",
        "- match: [{headers: {end-user: {exact: jason}}}]\n    route:")).build()) {
      Explanation e = mesh.explain(MeshRequest.builder("http://reviews:9080/r")
          .header("end-user", "bob\nroute: forged").build());

      assertThat(e.routes().get(0).reason())
          .isEqualTo("match[0] header end-user: exact \"jason\", got \"bob\\nroute: forged\"");
    }
  }

  private static MeshConfig load(String yaml) {
    return ConfigLoader.load(List.of(ConfigSource.yaml("x.yaml", yaml)), "default");
  }

  private static ConfigProblem singleError(String yaml) {
    MeshConfigException e = catchThrowableOfType(() -> load(yaml), MeshConfigException.class);
    assertThat(e).as("the load must fail").isNotNull();
    assertThat(e.errors()).hasSize(1);
    return e.errors().get(0);
  }
}
