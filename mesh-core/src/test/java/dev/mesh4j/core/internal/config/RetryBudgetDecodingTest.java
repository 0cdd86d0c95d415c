package dev.mesh4j.core.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.api.config.TrafficPolicy.RetryBudget;
import dev.mesh4j.core.internal.cluster.PolicyMerge;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code trafficPolicy.retryBudget} as Istio reads it: at the rule and subset level (port-level
 * settings have none), {@code percent} 0..100 as the CRD bounds it, merged as
 * {@code MergeSubsetTrafficPolicy} merges it.
 */
class RetryBudgetDecodingTest {
  private static final String RULE = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        trafficPolicy:
          retryBudget: %s
        subsets:
        - name: v1
          labels: {version: v1}
          trafficPolicy:
            retryBudget: {percent: 50}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            connectionPool: {http: {maxRetries: 7}}
        - name: v3
          labels: {version: v3}
          trafficPolicy:
            retryBudget: {minRetryConcurrency: 9}
            portLevelSettings:
            - port: {number: 9081}
              connectionPool: {http: {maxRetries: 2}}
      """;

  private static MeshConfig load(String budget) {
    return ConfigLoader.load(List.of(ConfigSource.yaml("reviews.yaml", RULE.formatted(budget))), "default");
  }

  private static DestinationRule rule(MeshConfig config) {
    return config.all(DestinationRule.class).get(0);
  }

  @Test
  void theBudgetIsReadAtTheRuleAndSubsetLevelWithoutWarnings() {
    MeshConfig config = load("{percent: 12.5, minRetryConcurrency: 4}");
    assertThat(config.warnings()).isEmpty();
    DestinationRule dr = rule(config);
    assertThat(dr.trafficPolicy().retryBudget()).isEqualTo(new RetryBudget(12.5, 4));
    assertThat(dr.subsets().get(0).trafficPolicy().retryBudget()).isEqualTo(new RetryBudget(50.0, null));
  }

  @Test
  void anEmptyBudgetIsABudgetWithIstiosDefaults() {
    MeshConfig config = load("{}");
    assertThat(config.warnings()).isEmpty();
    assertThat(rule(config).trafficPolicy().retryBudget()).isEqualTo(RetryBudget.defaults());
  }

  @Test
  void aZeroMinimumIsUnsetAsIstioSendsOnlyValuesAboveZero() {
    assertThat(rule(load("{minRetryConcurrency: 0}")).trafficPolicy().retryBudget())
        .isEqualTo(RetryBudget.defaults());
  }

  @Test
  void aPercentOutsideZeroToHundredIsAnErrorAtItsPath() {
    MeshConfigException e = catchThrowableOfType(() -> load("{percent: 100.5}"), MeshConfigException.class);
    assertThat(e.errors()).extracting(ConfigProblem::toString).containsExactly(
        "reviews.yaml#1 spec.trafficPolicy.retryBudget.percent: percent must be in range 0..100, got 100.5");
    e = catchThrowableOfType(() -> load("{percent: -1}"), MeshConfigException.class);
    assertThat(e.errors()).extracting(ConfigProblem::toString).containsExactly(
        "reviews.yaml#1 spec.trafficPolicy.retryBudget.percent: percent must be in range 0..100, got -1");
  }

  @Test
  void aNegativeMinimumOrAWrongTypeIsAnErrorAtItsPath() {
    MeshConfigException e = catchThrowableOfType(() -> load("{minRetryConcurrency: -2}"),
        MeshConfigException.class);
    assertThat(e.errors()).extracting(ConfigProblem::path)
        .containsExactly("spec.trafficPolicy.retryBudget.minRetryConcurrency");
    e = catchThrowableOfType(() -> load("{percent: lots}"), MeshConfigException.class);
    assertThat(e.errors()).extracting(ConfigProblem::toString).containsExactly(
        "reviews.yaml#1 spec.trafficPolicy.retryBudget.percent: expected a number, got \"lots\"");
    e = catchThrowableOfType(() -> load("20"), MeshConfigException.class);
    assertThat(e.errors()).extracting(ConfigProblem::path).containsExactly("spec.trafficPolicy.retryBudget");
  }

  @Test
  void aBudgetIntervalIsAcceptedButNotAppliedWithAWarning() {
    MeshConfig config = load("{percent: 20, budgetInterval: 10s}");
    assertThat(config.warnings()).extracting(ConfigProblem::toString).containsExactly(
        "reviews.yaml#1 spec.trafficPolicy.retryBudget.budgetInterval: budgetInterval is not applied by mesh4j"
            + " (ignored): the budget counts the requests in flight");
    assertThat(load("{percent: 20, budgetInterval: 0s}").warnings()).isEmpty();
  }

  @Test
  void portLevelSettingsHaveNoBudgetAsInIstiosApi() {
    MeshConfig config = ConfigLoader.load(List.of(ConfigSource.yaml("reviews.yaml", """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            portLevelSettings:
            - port: {number: 9080}
              retryBudget: {percent: 10}
              connectionPool: {http: {maxRetries: 2}}
        """)), "default");
    assertThat(config.warnings()).extracting(ConfigProblem::toString).containsExactly(
        "reviews.yaml#1 spec.trafficPolicy.portLevelSettings[0].retryBudget: unknown field (ignored)");
  }

  @Test
  void aBudgetAloneIsATrafficPolicy() {
    MeshConfig config = ConfigLoader.load(List.of(ConfigSource.yaml("reviews.yaml", """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            retryBudget: {percent: 20}
        """)), "default");
    assertThat(config.warnings()).isEmpty();
    assertThat(rule(config).trafficPolicy().retryBudget()).isEqualTo(new RetryBudget(20.0, null));
  }

  @Test
  void theBudgetMergesAsIstiosMergeSubsetTrafficPolicy() {
    DestinationRule dr = rule(load("{percent: 20, minRetryConcurrency: 5}"));
    TrafficPolicy top = dr.trafficPolicy();
    RetryBudget ruleBudget = new RetryBudget(20.0, 5);
    assertThat(PolicyMerge.merge(top, null, 9080).retryBudget()).isEqualTo(ruleBudget);
    assertThat(PolicyMerge.merge(top, dr.subsets().get(0), 9080).retryBudget())
        .as("the subset's budget replaces the rule's").isEqualTo(new RetryBudget(50.0, null));
    assertThat(PolicyMerge.merge(top, dr.subsets().get(1), 9080).retryBudget())
        .as("a subset without a budget inherits the rule's").isEqualTo(ruleBudget);
    assertThat(PolicyMerge.merge(top, dr.subsets().get(2), 9080).retryBudget()).isEqualTo(new RetryBudget(null, 9));
    assertThat(PolicyMerge.merge(top, dr.subsets().get(2), 9081).retryBudget())
        .as("a subset's port-level entry keeps the rule's budget (MergeTrafficPolicy)").isEqualTo(ruleBudget);

    TrafficPolicy withPort = top.toBuilder().portLevelSettings(dev.mesh4j.api.config.PortTrafficPolicy.builder()
        .port(9080).connectionPool(dev.mesh4j.api.config.ConnectionPoolSettings.builder()
            .http(dev.mesh4j.api.config.ConnectionPoolSettings.Http.builder().maxRetries(3)))).build();
    assertThat(PolicyMerge.merge(withPort, null, 9080).retryBudget())
        .as("the rule's port-level entry replaces the rule's whole policy, budget included").isNull();
    assertThat(PolicyMerge.merge(withPort, dr.subsets().get(1), 9080).retryBudget()).isNull();
    assertThat(PolicyMerge.merge(withPort, dr.subsets().get(0), 9080).retryBudget())
        .isEqualTo(new RetryBudget(50.0, null));
  }
}
