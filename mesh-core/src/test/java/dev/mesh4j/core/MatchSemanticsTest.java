package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * HTTP match semantics as Envoy applies Istio's matches: full-match RE2 regexes, joined header
 * values, withoutHeaders on missing headers, raw first query values, authority with port.
 */
class MatchSemanticsTest {
  static final Endpoint A = Endpoint.of("10.0.0.1", 8080);
  static final Endpoint B = Endpoint.of("10.0.0.2", 8080);

  /** A mesh where requests matching {@code match} go to A, everything else to B. */
  static Mesh mesh(String match) {
    ServiceRegistry registry = new ServiceRegistry()
        .register("svc-a", 80, A)
        .register("svc-b", 80, B)
        .register("web", 80, Endpoint.of("10.0.0.9", 8080));
    return Mesh.builder().registry(registry).random(RandomSource.seeded(1)).configYaml("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: [web]
          http:
          - match:
        %s
            route:
            - destination: {host: svc-a}
          - route:
            - destination: {host: svc-b}
        """.formatted(match.indent(4).stripTrailing())).build();
  }

  static String route(Mesh mesh, MeshRequest request) throws IOException {
    RecordingExchange.Result r = mesh.execute(request, new RecordingExchange());
    return r.target().equals(A.hostPort()) ? "A" : r.target().equals(B.hostPort()) ? "B" : r.target();
  }

  static MeshRequest.Builder get(String url) {
    return MeshRequest.builder(url);
  }

  @Test
  void regexMustMatchTheWholeHeaderValue() throws IOException {
    try (Mesh mesh = mesh("- headers: {foo: {regex: 'b.*'}}")) {
      assertThat(route(mesh, get("http://web/").header("foo", "bar").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/").header("foo", "abc").build())).isEqualTo("B");
      assertThat(route(mesh, get("http://web/").build())).isEqualTo("B");
    }
  }

  @Test
  void headerValuesOfOneNameAreJoinedWithCommasBeforeMatching() throws IOException {
    try (Mesh mesh = mesh("- headers: {x: {exact: 'a,b'}}")) {
      assertThat(route(mesh, get("http://web/").header("x", "a").header("x", "b").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/").header("x", "a").build())).isEqualTo("B");
    }
  }

  @Test
  void anEmptyStringMatchMeansPresentWithAnyValue() throws IOException {
    try (Mesh mesh = mesh("- headers: {x: {}}")) {
      assertThat(route(mesh, get("http://web/").header("x", "").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/").header("x", "anything").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/").build())).isEqualTo("B");
    }
  }

  @Test
  void starRegexIsAPresenceTestOnlyUnderWithoutHeaders() throws IOException {
    // Istio's validation compiles a header regex "*" as RE2 (and rejects it); only withoutHeaders
    // skips that check, and translates "*" to a presence match.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> mesh("- headers: {z: {regex: '*'}}"))
        .isInstanceOf(dev.mesh4j.api.config.MeshConfigException.class)
        .hasMessageContaining("spec.http[0].match[0].headers.z.regex");
    try (Mesh mesh = mesh("- withoutHeaders: {z: {regex: '*'}}")) {
      assertThat(route(mesh, get("http://web/").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/").header("z", "1").build())).isEqualTo("B");
    }
  }

  @Test
  void exactEmptyNeedsThePresentEmptyHeader() throws IOException {
    try (Mesh mesh = mesh("- headers: {x: {exact: ''}}")) {
      assertThat(route(mesh, get("http://web/").header("x", "").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/").build())).isEqualTo("B");
    }
  }

  @Test
  void withoutHeadersPresenceFormMeansAbsent() throws IOException {
    try (Mesh mesh = mesh("- withoutHeaders: {x: {}}")) {
      assertThat(route(mesh, get("http://web/").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/").header("x", "1").build())).isEqualTo("B");
    }
  }

  @Test
  void withoutHeadersValueFormTreatsAMissingHeaderAsEmpty() throws IOException {
    try (Mesh mesh = mesh("- withoutHeaders: {x: {exact: foo}}")) {
      assertThat(route(mesh, get("http://web/").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/").header("x", "bar").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/").header("x", "foo").build())).isEqualTo("B");
    }
    try (Mesh mesh = mesh("- withoutHeaders: {x: {regex: '.*'}}")) {
      assertThat(route(mesh, get("http://web/").build())).isEqualTo("B");
    }
  }

  @Test
  void queryParametersUseTheFirstRawValueAndValuelessMeansEmpty() throws IOException {
    try (Mesh mesh = mesh("- queryParams: {q: {exact: 'a b'}}\n- queryParams: {debug: {exact: ''}}\n"
        + "- queryParams: {v: {prefix: '1'}}")) {
      assertThat(route(mesh, get("http://web/?q=a%20b").build())).as("not percent-decoded").isEqualTo("B");
      assertThat(route(mesh, get("http://web/?debug").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/?debug=").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/?v=2&v=1").build())).as("first value only").isEqualTo("B");
      assertThat(route(mesh, get("http://web/?v=10&v=2").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/?vv=1").build())).isEqualTo("B");
    }
  }

  @Test
  void uriPrefixIsAPlainStringPrefixAndExcludesTheQuery() throws IOException {
    try (Mesh mesh = mesh("- uri: {prefix: /foo}")) {
      assertThat(route(mesh, get("http://web/foobar").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/fo?x=/foo").build())).isEqualTo("B");
    }
    try (Mesh mesh = mesh("- uri: {exact: /a}")) {
      assertThat(route(mesh, get("http://web/a?b=c").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/a/").build())).isEqualTo("B");
    }
  }

  @Test
  void ignoreUriCaseAppliesToExactAndPrefixButNotToRegex() throws IOException {
    try (Mesh mesh = mesh("- uri: {prefix: /API}\n  ignoreUriCase: true")) {
      assertThat(route(mesh, get("http://web/api/x").build())).isEqualTo("A");
    }
    try (Mesh mesh = mesh("- uri: {regex: '/API/.*'}\n  ignoreUriCase: true")) {
      assertThat(route(mesh, get("http://web/api/x").build())).isEqualTo("B");
      assertThat(route(mesh, get("http://web/API/x").build())).isEqualTo("A");
    }
  }

  @Test
  void authorityIncludesThePortTheClientSent() throws IOException {
    try (Mesh mesh = mesh("- authority: {exact: web}")) {
      assertThat(route(mesh, get("http://web/").build())).isEqualTo("A");
    }
    try (Mesh mesh = mesh("- authority: {exact: web}")) {
      // A Host header with a port does not equal "web".
      assertThat(route(mesh, get("http://web/").header("host", "web:80").build())).isEqualTo("B");
    }
  }

  @Test
  void methodSchemeAndPortMatches() throws IOException {
    try (Mesh mesh = mesh("- method: {exact: POST}\n  scheme: {exact: http}\n  port: 80")) {
      assertThat(route(mesh, get("http://web/").method("POST").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/").build())).isEqualTo("B");
    }
  }

  @Test
  void pseudoHeaderPathIncludesTheQueryString() throws IOException {
    try (Mesh mesh = mesh("- headers: {':path': {exact: '/a?b=1'}}")) {
      assertThat(route(mesh, get("http://web/a?b=1").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/a").build())).isEqualTo("B");
    }
  }

  @Test
  void sourceLabelsAreDecidedForTheWorkloadAtCompileTime() throws IOException {
    String yaml = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: [web]
          http:
          - match: [{sourceLabels: {version: v1}, headers: {x: {exact: '1'}}}]
            route: [{destination: {host: svc-a}}]
          - route: [{destination: {host: svc-b}}]
        """;
    ServiceRegistry registry = new ServiceRegistry().register("svc-a", 80, A).register("svc-b", 80, B)
        .register("web", 80, Endpoint.of("10.0.0.9", 8080));
    try (Mesh v1 = Mesh.builder().registry(registry).workloadLabel("version", "v1").configYaml(yaml).build();
        Mesh v2 = Mesh.builder().registry(registry).workloadLabel("version", "v2").configYaml(yaml).build()) {
      MeshRequest r = get("http://web/").header("x", "1").build();
      assertThat(route(v1, r)).isEqualTo("A");
      assertThat(route(v2, r)).isEqualTo("B");
    }
  }

  @Test
  void firstMatchingRouteWinsAndMatchesAreOred() throws IOException {
    try (Mesh mesh = mesh("- headers: {a: {exact: '1'}}\n- headers: {b: {exact: '1'}}")) {
      assertThat(route(mesh, get("http://web/").header("b", "1").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/").header("a", "1").header("b", "2").build())).isEqualTo("A");
      assertThat(route(mesh, get("http://web/").header("a", "2").build())).isEqualTo("B");
    }
  }
}
