package dev.mesh4j.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigOriginTest {

  @Test
  void aDocumentOfASourceIsNamedWithItsIndex() {
    assertThat(new ConfigOrigin("reviews.yaml", 2)).hasToString("reviews.yaml#2");
    assertThat(ConfigOrigin.PROGRAMMATIC).hasToString("<programmatic>#1");
  }

  @Test
  void anOriginWithoutDocumentsIsNamedBySourceAlone() {
    ConfigOrigin built = ConfigOrigin.of("VirtualService default/reviews");

    assertThat(built).hasToString("VirtualService default/reviews");
    assertThat(built.document()).isZero();
    assertThat(new ConfigProblem(ConfigProblem.Severity.ERROR, built,
        "spec.http[0].route[0].weight", "weight -5 < 0"))
        .hasToString("VirtualService default/reviews spec.http[0].route[0].weight: weight -5 < 0");
  }

  @Test
  void aNegativeDocumentIndexIsRejected() {
    assertThatThrownBy(() -> new ConfigOrigin("a.yaml", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("document: -1 (expected: >= 0)");
  }
}
