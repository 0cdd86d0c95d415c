package dev.mesh4j.core.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.core.internal.common.RegexLimits;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regexes that would exhaust memory are refused before anything compiles them, with the field
 * path: what Istio's validation (Go's nested repeat rule) and its Envoy (RE2 program size 32768)
 * refuse.
 */
class RegexLimitsTest {
  private static final String VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - match: [{uri: {regex: 'REGEX'}}]
          route:
          - destination: {host: reviews}
      """;

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theTwentyEightCharacterBombIsRefusedAtOnceAtItsPath() {
    // 10^9 instructions: RE2/J threw OutOfMemoryError compiling it.
    ConfigProblem p = singleError(VS.replace("REGEX", "(?:(?:a{1000}){1000}){1000}"));

    assertThat(p.path()).isEqualTo("spec.http[0].match[0].uri.regex");
    assertThat(p.message()).startsWith("\"uri\": error parsing regexp: invalid repeat count: `{1000}`");
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aMillionInstructionRegexIsRefused() {
    // Loaded before and held 121 MB.
    ConfigProblem p = singleError(VS.replace("REGEX", "(?:a{1000}){1000}"));

    assertThat(p.message()).contains("invalid repeat count: `{1000}`");
  }

  @Test
  void aProgramOverEnvoysSizeIsRefusedEvenWhenEachRepeatIsValid() {
    ConfigProblem p = singleError(VS.replace("REGEX", "a{1000}".repeat(33)));

    assertThat(p.message()).startsWith("\"uri\": regex program is too large (about 33002 RE2 instructions;");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      (?:a{10}){100}            | ok
      (?:a{11}){100}            | invalid repeat count: `{100}`
      (a{2}){334}               | ok
      (a{3}){334}               | invalid repeat count: `{334}`
      (?:a{0}){1000}            | ok
      (?:a{2,}){600}            | invalid repeat count: `{600}`
      (?:a*){1000}              | ok
      [a-z]{1000}               | ok
      \\d{1000}\\w{1000}         | ok
      x{1001}                   | invalid repeat count: `{1001}`
      \\Qa{1000}{1000}\\E         | ok
      [{]{1000}                 | ok
      a{,5}{1000}               | ok
      (?P<n>a{100}){100}        | invalid repeat count: `{100}`
      `(?i)(?:ab|cd){1000}`     | ok
      (?:abcdefghijklmnopqrstuvwxyz0123456789){1000} | too large
      """)
  void limitsAsGoAndEnvoyApplyThem(String regex, String expected) {
    String problem = RegexLimits.problem(regex);
    if (expected.equals("ok")) {
      assertThat(problem).isNull();
    } else {
      assertThat(problem).contains(expected);
    }
  }

  @Test
  void aRegexOverTheLimitsNeverReachesRe2jThroughTheEngine() {
    assertThatThrownBy(() -> RegexLimits.compile("(?:(?:a{1000}){1000}){1000}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid repeat count");
    assertThat(RegexLimits.compile("a{1000}").matches("a".repeat(1000))).isTrue();
  }

  private static ConfigProblem singleError(String yaml) {
    MeshConfigException e = catchThrowableOfType(
        () -> ConfigLoader.load(List.of(ConfigSource.yaml("x.yaml", yaml)), "default"), MeshConfigException.class);
    assertThat(e).as("the load must fail").isNotNull();
    assertThat(e.errors()).hasSize(1);
    return e.errors().get(0);
  }
}
