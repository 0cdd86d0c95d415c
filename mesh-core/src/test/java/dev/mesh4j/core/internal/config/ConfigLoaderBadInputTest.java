package dev.mesh4j.core.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.config.VirtualService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input contract of SPEC §1: every problem of a load is reported at once, each located as
 * {@code file#doc field.path: message}; unknown fields and kinds mesh4j skips are warnings.
 */
class ConfigLoaderBadInputTest {
  @TempDir Path dir;

  private static final String REVIEWS_VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - route:
          - destination: {host: reviews, subset: v1}
      """;
  private static final String REVIEWS_DR = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
      """;

  @Test
  void malformedYamlNamesTheFileTheDocumentAndTheLine() throws IOException {
    Path file = write("broken.yaml", REVIEWS_VS + "---\n" + """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings
        spec:
          host: ratings
        """);

    ConfigProblem p = singleError(() -> ConfigLoader.load(List.of(ConfigSource.file(file)), "default"));

    assertThat(p.origin().source()).isEqualTo(file.toString());
    assertThat(p.origin().document()).isEqualTo(2);
    assertThat(p.message()).startsWith("malformed YAML").containsPattern("line 1[0-4]");
    assertThat(p.toString()).startsWith(file + "#2");
  }

  @Test
  void aWeightThatIsNotANumberIsATypeError() {
    ConfigProblem p = singleError(() -> load("reviews.yaml", REVIEWS_VS.replace(
        "subset: v1}", "subset: v1}\n      weight: \"abc\"")));

    assertThat(p.path()).isEqualTo("spec.http[0].route[0].weight");
    assertThat(p.message()).isEqualTo("expected an integer, got \"abc\"");
  }

  @Test
  void hostsGivenAsAScalarIsATypeError() {
    MeshConfigException e = catchThrowableOfType(
        () -> load("reviews.yaml", REVIEWS_VS.replace("hosts: [reviews]", "hosts: reviews")),
        MeshConfigException.class);

    assertThat(e.errors()).extracting(ConfigProblem::path, ConfigProblem::message)
        .contains(org.assertj.core.groups.Tuple.tuple("spec.hosts", "expected a list, got \"reviews\""));
  }

  @Test
  void anUnknownSubsetIsNotALoadError() {
    MeshConfig config = load("reviews.yaml", REVIEWS_VS.replace("subset: v1", "subset: v9")
        + "---\n" + REVIEWS_DR);

    // Whether v9 exists is a question for the snapshot (a semantic warning, 503 NC at request time).
    assertThat(config.all(VirtualService.class)).hasSize(1);
    assertThat(config.all(DestinationRule.class)).hasSize(1);
  }

  @Test
  void aRegexRe2CannotCompileIsAnErrorAtItsPath() {
    ConfigProblem p = singleError(() -> load("reviews.yaml", REVIEWS_VS.replace(
        "- route:", "- match:\n    - uri: {regex: \"/a(?=b)\"}\n    route:")));

    assertThat(p.path()).isEqualTo("spec.http[0].match[0].uri.regex");
    assertThat(p.message()).contains("Istio uses RE2 style regex-based match");
  }

  @Test
  void aNegativeWeightIsAnError() {
    ConfigProblem p = singleError(() -> load("reviews.yaml", REVIEWS_VS.replace(
        "subset: v1}", "subset: v1}\n      weight: -5")));

    assertThat(p).hasToString("reviews.yaml#1 spec.http[0].route[0].weight: weight -5 < 0");
  }

  @Test
  void aDuplicateSubsetNameIsAnError() {
    ConfigProblem p = singleError(() -> load("reviews.yaml",
        REVIEWS_DR + "  - {name: v1, labels: {version: v2}}\n"));

    assertThat(p).hasToString("reviews.yaml#1 spec.subsets[1].name: duplicate subset names: v1");
  }

  @Test
  void allErrorsOfALoadAreReportedTogether() {
    MeshConfigException e = catchThrowableOfType(() -> ConfigLoader.load(List.of(
        ConfigSource.yaml("a.yaml", REVIEWS_VS.replace("subset: v1}", "subset: v1}\n      weight: -1")
            + "---\n" + REVIEWS_DR.replace("host: reviews", "host: \"\"")),
        ConfigSource.yaml("b.yaml", REVIEWS_VS.replace("hosts: [reviews]", "hosts: [\"*\"]"))),
        "default"), MeshConfigException.class);

    assertThat(e.errors()).extracting(ConfigProblem::toString).containsExactly(
        "a.yaml#1 spec.http[0].route[0].weight: weight -1 < 0",
        "a.yaml#2 spec.host: empty domain name not allowed",
        "b.yaml#1 spec.hosts[0]: wildcard host * is not allowed for virtual services bound to the mesh gateway");
    assertThat(e.getMessage()).startsWith("invalid mesh configuration (3 errors)")
        .contains("\n  b.yaml#1 spec.hosts[0]");
  }

  @Test
  void onlyTheBrokenDocumentOfAFileIsReported() {
    String ratings = REVIEWS_DR.replace("reviews", "ratings");
    String broken = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x\n";
    MeshConfigException e = catchThrowableOfType(() -> load("multi.yaml",
        REVIEWS_VS + "---\n" + REVIEWS_DR + "---\n" + broken + "---\n" + ratings),
        MeshConfigException.class);

    assertThat(e.errors()).singleElement().satisfies(p -> {
      assertThat(p.origin().document()).isEqualTo(3);
      assertThat(p.message()).startsWith("malformed YAML");
    });
  }

  @Test
  void aValidationErrorInTheThirdDocumentIsReportedWithIndexThree() {
    String ratings = REVIEWS_DR.replace("reviews", "ratings");
    MeshConfigException e = catchThrowableOfType(() -> load("multi.yaml",
        REVIEWS_VS + "---\n" + REVIEWS_DR + "---\n"
            + ratings.replace("name: v1,", "name: v_1,") + "---\n" + ratings.replace("ratings}", "ratings2}")),
        MeshConfigException.class);

    assertThat(e.errors()).extracting(ConfigProblem::toString)
        .containsExactly("multi.yaml#3 spec.subsets[0].name: subset name is invalid: v_1");
  }

  @Test
  void unknownFieldsAreWarningsWithTheirPath() {
    MeshConfig config = load("reviews.yaml", REVIEWS_VS.replace("- route:", "- retrys: {attempts: 3}\n    route:")
        .replace("spec:", "spec:\n  colour: blue"));

    assertThat(config.warnings()).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
        "reviews.yaml#1 spec.colour: unknown field (ignored)",
        "reviews.yaml#1 spec.http[0].retrys: unknown field (ignored)");
  }

  @Test
  void kubernetesKindsAreSkippedSilentlyAndOtherIstioKindsWithAWarning() {
    MeshConfig config = load("mixed.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: reviews-v1}
        spec: {replicas: 1}
        ---
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: deny-all}
        spec: {}
        ---
        """ + REVIEWS_VS);

    assertThat(config.resources()).hasSize(1);
    assertThat(config.warnings()).extracting(ConfigProblem::toString).containsExactly(
        "mixed.yaml#2: kind AuthorizationPolicy (security.istio.io) is not supported by mesh4j (skipped)");
  }

  @Test
  void jsonFilesAreRead() throws IOException {
    Path file = write("reviews.json", """
        {"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule",
         "metadata": {"name": "reviews", "namespace": "shop"},
         "spec": {"host": "reviews", "subsets": [{"name": "v1", "labels": {"version": "v1"}}]}}
        """);

    MeshConfig config = ConfigLoader.load(List.of(ConfigSource.file(file)), "default");

    assertThat(config.all(DestinationRule.class)).singleElement()
        .satisfies(dr -> assertThat(dr.metadata().namespace()).isEqualTo("shop"));
  }

  @Test
  void malformedJsonIsReportedWithItsLine() throws IOException {
    Path file = write("bad.json", "{\"apiVersion\": \"networking.istio.io/v1\",\n \"kind\": }\n");

    ConfigProblem p = singleError(() -> ConfigLoader.load(List.of(ConfigSource.file(file)), "default"));

    assertThat(p.origin().document()).isEqualTo(1);
    assertThat(p.message()).startsWith("malformed JSON").contains("line 2");
  }

  @Test
  void aKubernetesListIsReadItemByItem() {
    MeshConfig config = load("list.yaml", """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: reviews}
          spec: {host: reviews}
        - apiVersion: v1
          kind: Service
          metadata: {name: reviews}
          spec: {ports: [{port: 9080}]}
        """);

    assertThat(config.all(DestinationRule.class)).hasSize(1);
    assertThat(config.warnings()).isEmpty();
  }

  @Test
  void anErrorInsideAListNamesTheItem() {
    ConfigProblem p = singleError(() -> load("list.yaml", """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: reviews}
          spec: {host: "reviews!"}
        """));

    assertThat(p.path()).isEqualTo("items[0].spec.host");
  }

  @Test
  void aRingLargerThanEnvoysMaximumIsRefusedAtLoad() {
    String dr = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer:
              consistentHash:
                httpHeaderName: x-user
                ringHash: {minimumRingSize: %d}
        """;
    // Envoy's largest ring loads; one entry more fails at load, not when the ring is built.
    assertThat(load("dr.yaml", dr.formatted(8_388_608)).resources()).hasSize(1);
    ConfigProblem p = singleError(() -> load("dr.yaml", dr.formatted(8_388_609)));
    assertThat(p.toString()).startsWith("dr.yaml#1 spec.trafficPolicy.loadBalancer.consistentHash.ringHash.minimumRingSize: ");
    assertThat(p.message()).isEqualTo("ring hash: minimum_ring_size (8388609) > maximum_ring_size (8388608)");

    ConfigProblem legacy = singleError(() -> load("dr.yaml", dr.formatted(1)
        .replace("ringHash: {minimumRingSize: 1}", "minimumRingSize: 100000000")));
    assertThat(legacy.path()).isEqualTo("spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize");
  }

  @Test
  void aRegexRewriteMustOnlyReferToGroupsItsRegexHas() {
    String vs = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - rewrite: {uriRegexRewrite: {match: '%s', rewrite: '%s'}}
            route: [{destination: {host: reviews}}]
        """;
    // Each of these loaded, and then every matching request threw (or sent what RE2 never would).
    assertThat(singleError(() -> load("vs.yaml", vs.formatted("^/a(.*)$", "/b\\9"))).toString())
        .isEqualTo("vs.yaml#1 spec.http[0].rewrite.uriRegexRewrite.rewrite: Rewrite schema requests 9 matches,"
            + " but the regexp only has 1 parenthesized subexpressions");
    assertThat(singleError(() -> load("vs.yaml", vs.formatted("^/a.*$", "/b\\1"))).message())
        .isEqualTo("Rewrite schema requests 1 matches, but the regexp only has 0 parenthesized subexpressions");
    assertThat(singleError(() -> load("vs.yaml", vs.formatted("^/a(.*)$", "/b\\q"))).message())
        .startsWith("Rewrite schema error: '\\' must be followed by a digit or '\\'");
    assertThat(singleError(() -> load("vs.yaml", vs.formatted("^/a(.*)$", "/b\\"))).message())
        .isEqualTo("Rewrite schema error: '\\' not allowed at end");

    assertThat(load("vs.yaml", vs.formatted("^/a(.*)/(?P<x>.*)$", "/b\\2\\1\\0\\\\")).resources()).hasSize(1);
  }

  private static MeshConfig load(String name, String yaml) {
    return ConfigLoader.load(List.of(ConfigSource.yaml(name, yaml)), "default");
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  private static ConfigProblem singleError(org.assertj.core.api.ThrowableAssert.ThrowingCallable load) {
    MeshConfigException e = catchThrowableOfType(load, MeshConfigException.class);
    assertThat(e).as("the load must fail").isNotNull();
    assertThat(e.errors()).hasSize(1);
    return e.errors().get(0);
  }
}
