package dev.mesh4j.core.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Matcher;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegexTest {

  @Test
  void aPooledMatcherChecksEachValueOnItsOwn() {
    Regex regex = Regex.compile("/api/v[0-9]+/.*");
    // Alternating values of different lengths: a matcher reset to a shorter value must not see the
    // longer one before it, nor a longer one stop at the shorter one's length.
    List<String> values = List.of("/api/v1/items", "/api/v", "/api/v12/x/y/z", "/ap", "/api/v2/", "/API/v1/items", "");
    for (int round = 0; round < 3; round++) {
      for (String v : values) {
        assertThat(regex.matches(v)).as(v).isEqualTo(com.google.re2j.Pattern.matches("/api/v[0-9]+/.*", v));
      }
    }
  }

  @Test
  void theSameMatcherIsLentAgainRatherThanMadePerCheck() {
    Regex regex = Regex.compile("[a-z]+");
    assertThat(regex.matches("abc")).isTrue();
    Matcher first = regex.pooledMatcher(0);
    assertThat(first).isNotNull();
    for (int i = 0; i < 100; i++) {
      assertThat(regex.matches(i % 2 == 0 ? "xyz" : "XYZ")).isEqualTo(i % 2 == 0);
    }
    assertThat(regex.pooledMatcher(0)).isSameAs(first);
    assertThat(regex.pooledMatcher(1)).isNull();
  }
}
