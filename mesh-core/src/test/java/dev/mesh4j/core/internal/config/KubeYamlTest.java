package dev.mesh4j.core.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * YAML read as kubectl reads it (go-yaml v2 under sigs.k8s.io/yaml), where that differs from
 * YAML 1.1 as SnakeYAML and Jackson read it. Each row: the YAML written after {@code v: }, and
 * the JSON kubectl sends for it (or {@code !error text}).
 */
class KubeYamlTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest(name = "v: {0}  ->  {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      # booleans: YAML 1.1's words, and only these spellings
      y            | true
      Y            | true
      yes          | true
      YES          | true
      on           | true
      On           | true
      true         | true
      n            | false
      no           | false
      Off          | false
      FALSE        | false
      yEs          | "yEs"
      'yes'        | "yes"
      # null
      ~            | null
      null         | null
      NULL         | null
      ``           | null
      # integers: Go's ParseInt with base prefixes; a leading 0 is octal
      010          | 8
      0o17         | 15
      0x1F         | 31
      0X1f         | 31
      0b101        | 5
      -0x10        | -16
      +12          | 12
      1_000        | 1000
      0            | 0
      -0           | 0
      08           | 8
      09           | 9
      9223372036854775807  | 9223372036854775807
      9223372036854775808  | 9223372036854775808
      18446744073709551616 | 18446744073709551616
      # floats: written as Go's JSON writes them (an integral float has no fraction)
      1.0          | 1
      1.10         | 1.1
      1e3          | 1000
      .5           | 0.5
      -.5          | -0.5
      0.           | 0
      1.5e-7       | 1.5E-7
      1e21         | 1.0E21
      1e400        | "1e400"
      # no base-60 numbers, no timestamps: the text
      1:30         | "1:30"
      190:20:30    | "190:20:30"
      2001-12-14   | "2001-12-14"
      2001-12-14t21:59:43.10-05:00 | "2001-12-14t21:59:43.10-05:00"
      1.2.3.4      | "1.2.3.4"
      0x           | "0x"
      _1           | "_1"
      NaN          | "NaN"
      Infinity     | "Infinity"
      # tags
      !!str 010    | "010"
      !!int "10"   | 10
      !!float 1    | 1
      !!bool yes   | true
      !!null ~     | null
      !!binary aGVsbG8= | "hello"
      !custom 010  | "010"
      !!int abc    | !error cannot decode !!str `abc` as a !!int
      # NaN and infinity have no JSON form
      .inf         | !error have no JSON form
      -.Inf        | !error have no JSON form
      .nan         | !error have no JSON form
      # flow lists: a ':' before , ] } belongs to the value
      `[1.2.3.4, 001:db8::]` | ["1.2.3.4", "001:db8::"]
      `[a:, b]`    | ["a:", "b"]
      `{a:, b: c}` | {"a:": null, "b": "c"}
      `[a: b]`     | [{"a": "b"}]
      `[a:[b]]`    | !error did not find expected ','
      """)
  void scalarsAndFlowValuesReadAsKubectlReadsThem(String yaml, String expected) throws Exception {
    String doc = "v: " + (yaml == null ? "" : yaml) + "\n";
    if (expected.startsWith("!error ")) {
      KubeYaml.YamlError e = catchThrowableOfType(() -> KubeYaml.read(doc, Integer.MAX_VALUE), KubeYaml.YamlError.class);
      assertThat(e).as("an error").isNotNull();
      assertThat(e.getMessage()).contains(expected.substring("!error ".length()));
      return;
    }
    JsonNode v = KubeYaml.read(doc, Integer.MAX_VALUE).get("v");
    assertThat(v).isEqualTo(JSON.readTree(expected));
  }

  @ParameterizedTest(name = "{0}: x  ->  key {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      y            | true
      on           | true
      no           | false
      010          | 8
      0x10         | 16
      1.5          | 1.5
      1e6          | 1e+06
      1.0          | 1
      '010'        | 010
      2001-12-14   | 2001-12-14
      ~            | !error null map key
      18446744073709551615 | !error cannot be converted
      """)
  void mapKeysAreConvertedToStringsAsKubectlConvertsThem(String yaml, String expected) throws Exception {
    String doc = yaml + ": x\n";
    if (expected.startsWith("!error ")) {
      KubeYaml.YamlError e = catchThrowableOfType(() -> KubeYaml.read(doc, Integer.MAX_VALUE), KubeYaml.YamlError.class);
      assertThat(e).as("an error").isNotNull();
      assertThat(e.getMessage()).contains(expected.substring("!error ".length()));
      return;
    }
    JsonNode n = KubeYaml.read(doc, Integer.MAX_VALUE);
    assertThat(n.fieldNames()).toIterable().containsExactly(expected);
  }

  @Test
  void aliasesAreExpanded() throws Exception {
    JsonNode n = KubeYaml.read("""
        a: &dest reviews.prod.svc.cluster.local
        b: *dest
        c: &m {x: 1, z: [1, 2]}
        d: *m
        """, Integer.MAX_VALUE);

    assertThat(n.get("b").textValue()).isEqualTo("reviews.prod.svc.cluster.local");
    assertThat(n.get("d")).isEqualTo(JSON.readTree("{\"x\": 1, \"z\": [1, 2]}"));
  }

  @Test
  void mergeKeysFollowGoYamlV2() throws Exception {
    JsonNode n = KubeYaml.read("""
        base: &b {timeout: 1s, retries: 2}
        other: &o {timeout: 9s, name: o}
        after: {timeout: 3s, <<: *b}
        before: {<<: *b, timeout: 3s}
        list: {<<: [*o, *b]}
        quoted: {"<<": *b}
        """, Integer.MAX_VALUE);

    // The merge sets its keys where it stands: later keys win, and (go-yaml v2) so does it.
    assertThat(n.get("after")).isEqualTo(JSON.readTree("{\"timeout\": \"1s\", \"retries\": 2}"));
    assertThat(n.get("before")).isEqualTo(JSON.readTree("{\"timeout\": \"3s\", \"retries\": 2}"));
    // Of a list of maps, the first wins.
    assertThat(n.get("list")).isEqualTo(JSON.readTree("{\"timeout\": \"9s\", \"retries\": 2, \"name\": \"o\"}"));
    // A quoted "<<" is an ordinary key.
    assertThat(n.get("quoted").has("<<")).isTrue();
    assertThatThrownBy(() -> KubeYaml.read("a: &s x\nb: {<<: *s}\n", Integer.MAX_VALUE))
        .hasMessageContaining("map merge requires map or sequence of maps");
  }

  @Test
  void anAliasToNothingOrToItselfIsAnError() {
    assertThatThrownBy(() -> KubeYaml.read("a: *nowhere\n", Integer.MAX_VALUE))
        .hasMessageContaining("unknown anchor 'nowhere' referenced");
    assertThatThrownBy(() -> KubeYaml.read("a: &x [1, *x]\n", Integer.MAX_VALUE))
        .hasMessageContaining("anchor 'x' value contains itself");
  }

  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void anAliasBombIsRefusedAsGoYamlRefusesIt() {
    StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (char c = 'b'; c <= 'i'; c++) {
      char p = (char) (c - 1);
      bomb.append(c).append(": &").append(c).append(" [*").append(p);
      for (int i = 0; i < 8; i++) {
        bomb.append(",*").append(p);
      }
      bomb.append("]\n");
    }

    assertThatThrownBy(() -> KubeYaml.read(bomb.toString(), Integer.MAX_VALUE))
        .hasMessageContaining("document contains excessive aliasing");
  }

  @Test
  void aKeyWrittenTwiceIsAnError() {
    assertThatThrownBy(() -> KubeYaml.read("a: 1\nb: 2\na: 3\n", Integer.MAX_VALUE))
        .isInstanceOf(KubeYaml.YamlError.class)
        .hasMessageContaining("duplicate key \"a\"")
        .satisfies(e -> assertThat(((KubeYaml.YamlError) e).line).isEqualTo(2));
    // Keys that differ as written but not as kubectl converts them are duplicates too.
    assertThatThrownBy(() -> KubeYaml.read("yes: 1\n\"true\": 2\n", Integer.MAX_VALUE))
        .hasMessageContaining("duplicate key \"true\"");
  }

  @Test
  void tabsAndNestingFollowTheLimits() {
    assertThatThrownBy(() -> KubeYaml.read("a:\n\tb: 1\n", Integer.MAX_VALUE)).hasMessageContaining("malformed YAML");
    String deep = "[".repeat(KubeYaml.MAX_DEPTH + 1) + "]".repeat(KubeYaml.MAX_DEPTH + 1);
    assertThatThrownBy(() -> KubeYaml.read("a: " + deep + "\n", Integer.MAX_VALUE))
        .hasMessageContaining("nested deeper than " + KubeYaml.MAX_DEPTH);
  }

  @Test
  void contentAfterADocumentEndMarkerIsAnErrorNotASecondDocument() {
    assertThatThrownBy(() -> KubeYaml.read("a: 1\n...\nb: 2\n", Integer.MAX_VALUE))
        .isInstanceOf(KubeYaml.YamlError.class).hasMessageContaining("malformed YAML");
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aLongScalarIsReadInLinearTime() throws Exception {
    // SnakeYAML's own reader copies its window for every KiB of a token: 20 MB took minutes.
    String yaml = "v: " + "a".repeat(20_000_000) + "\n";
    long start = System.nanoTime();
    JsonNode n = KubeYaml.read(yaml, Integer.MAX_VALUE);
    assertThat(n.get("v").textValue()).hasSize(20_000_000);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }
}
