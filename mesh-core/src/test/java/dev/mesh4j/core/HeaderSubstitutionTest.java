package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.RecordingExchange.Result;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * {@code %VARIABLE%}s in header values are substituted per request and response, as Envoy does
 * for the variables that have a value in a client; the others are refused when the configuration
 * loads instead of being sent as written.
 */
class HeaderSubstitutionTest {
  static final Endpoint A = Endpoint.of("10.0.0.1", 8080);
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T15:21:47.123Z"), ZoneOffset.UTC);

  static Mesh mesh(String http) {
    return Mesh.builder().registry(new ServiceRegistry().register("web", 80, A)).random(RandomSource.seeded(7))
        .clock(CLOCK).configYaml("web.yaml", """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web}
            spec:
              hosts: [web]
              http:
            %s
            """.formatted(http.indent(2).stripTrailing())).build();
  }

  @Test
  void requestAndResponseHeaderValuesAreSubstituted() throws IOException {
    try (Mesh mesh = mesh("""
        - name: tagged
          headers:
            request:
              set: {x-user: "user=%REQ(end-user)%", x-start: "%START_TIME(%s.%3f)%", x-route: "%ROUTE_NAME%"}
              add: {x-path: "%REQ(:path)%", x-none: "%REQ(x-absent)%"}
            response:
              set: {x-upstream: "%UPSTREAM_HOST%", x-code: "%RESPONSE_CODE% %RESPONSE_FLAGS%",
                    x-cluster: "%UPSTREAM_CLUSTER%", x-literal: "100%%"}
          route: [{destination: {host: web}}]
        """)) {
      Result r = mesh.execute(MeshRequest.builder("http://web/a?b=1").header("end-user", "jason").build(),
          new RecordingExchange());

      assertThat(r.sentHeader("x-user")).isEqualTo("user=jason");
      assertThat(r.sentHeader("x-start")).isEqualTo("1796311307.123");
      assertThat(r.sentHeader("x-route")).isEqualTo("tagged");
      assertThat(r.sentHeader("x-path")).isEqualTo("/a?b=1");
      assertThat(r.sent().headers().ops()).as("a value that comes out empty is not sent")
          .noneMatch(op -> op.name().equals("x-none"));
      assertThat(r.responseHeaders())
          .containsEntry("x-upstream", "10.0.0.1:8080")
          .containsEntry("x-code", "200 -")
          .containsEntry("x-cluster", "outbound|80||web.default.svc.cluster.local")
          .containsEntry("x-literal", "100%");
    }
  }

  @Test
  void aValueWithoutVariablesIsSentAsIs() throws IOException {
    try (Mesh mesh = mesh("""
        - headers: {request: {set: {x-a: "b"}}}
          route: [{destination: {host: web}}]
        """)) {
      Result r = mesh.execute(MeshRequest.builder("http://web/").build(), new RecordingExchange());
      assertThat(r.sentHeader("x-a")).isEqualTo("b");
    }
  }

  @Test
  void aDirectResponseFormatsItsHeadersWithItsOwnStatus() throws IOException {
    try (Mesh mesh = mesh("""
        - directResponse: {status: 418, body: {string: teapot}}
          headers: {response: {set: {x-code: "%RESPONSE_CODE%", x-user: "%REQ(end-user)%", x-up: "%UPSTREAM_HOST%"}}}
        """)) {
      Result r = mesh.execute(MeshRequest.builder("http://web/").header("end-user", "kim").build(),
          new RecordingExchange());
      assertThat(r.responseHeaders()).containsEntry("x-code", "418").containsEntry("x-user", "kim")
          .doesNotContainKey("x-up");
    }
  }

  @Test
  void aResponseVariableInARequestHeaderIsEmptyAndWarned() throws IOException {
    try (Mesh mesh = mesh("""
        - headers: {request: {set: {x-up: "%UPSTREAM_HOST%"}}}
          route: [{destination: {host: web}}]
        """)) {
      assertThat(mesh.warnings()).extracting(ConfigProblem::toString).anyMatch(w ->
          w.startsWith("web.yaml#1 spec.http[0].headers.request.set.x-up: %UPSTREAM_HOST% has no value in a request"));
      Result r = mesh.execute(MeshRequest.builder("http://web/").build(), new RecordingExchange());
      assertThat(r.sent().headers().ops()).noneMatch(op -> op.name().equals("x-up"));
    }
  }

  @Test
  void variablesWithoutAValueInAClientAreRefusedAtLoadWithTheirFieldPath() {
    assertThatThrownBy(() -> mesh("""
        - headers: {request: {set: {x-client: "%DOWNSTREAM_REMOTE_ADDRESS%"}}}
          route: [{destination: {host: web}}]
        """)).isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("web.yaml#1 spec.http[0].headers.request.set.x-client: header value configuration:"
            + " %DOWNSTREAM_REMOTE_ADDRESS% describes the connection from the application to a proxy");
    assertThatThrownBy(() -> mesh("""
        - route: [{destination: {host: web}, headers: {response: {add: {x-m: "%DYNAMIC_METADATA(a.b)%"}}}}]
        """)).isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("spec.http[0].route[0].headers.response.add.x-m: header value configuration:"
            + " %DYNAMIC_METADATA(a.b)% is not substituted by mesh4j");
    assertThatThrownBy(() -> mesh("""
        - headers: {request: {set: {host: "%REQ(x-target)%"}}}
          route: [{destination: {host: web}}]
        """)).isInstanceOf(MeshConfigException.class)
        .hasMessageContaining("spec.http[0].headers.request.set.host: authority \"%REQ(x-target)%\" has a %VARIABLE%");
  }
}
