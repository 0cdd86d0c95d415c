package dev.mesh4j.core.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What mesh4j writes into a request or response (header names and values, authorities, paths,
 * Location, Set-Cookie) is decided when the config loads: an HTTP client throws for a non-ASCII
 * header value on every request, so such a config is refused at its field, never loaded.
 */
class SendableHeadersTest {
  private static final String VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews}
      spec:
        hosts: [reviews]
        http:
        - ROUTE
      """;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      `headers: {request: {set: {x-greeting: grüße}}}, route: [{destination: {host: reviews}}]` | spec.http[0].headers.request.set.x-greeting | header value "grüße" has U+00FC at position 2
      `headers: {request: {add: {x y: "1"}}}, route: [{destination: {host: reviews}}]`          | spec.http[0].headers.request.add."x y"      | header name x y is not a valid header name
      `headers: {response: {set: {x-r: "é"}}}, route: [{destination: {host: reviews}}]`          | spec.http[0].headers.response.set.x-r       | header value "é" has U+00E9
      `headers: {request: {set: {host: "a b"}}}, route: [{destination: {host: reviews}}]`         | spec.http[0].headers.request.set.host       | authority "a b" has U+0020
      `rewrite: {authority: bücher.example}, route: [{destination: {host: reviews}}]`            | spec.http[0].rewrite.authority              | authority "bücher.example" has U+00FC
      `rewrite: {uri: /ä}, route: [{destination: {host: reviews}}]`                               | spec.http[0].rewrite.uri                    | rewrite uri "/ä" has U+00E4
      `rewrite: {uri: v2}, route: [{destination: {host: reviews}}]`                               | spec.http[0].rewrite.uri                    | rewrite uri "v2" must start with "/"
      `redirect: {uri: /ö}`                                                                       | spec.http[0].redirect.uri                   | redirect uri "/ö" has U+00F6
      `redirect: {authority: "x\\ty"}`                                                            | spec.http[0].redirect.authority             | redirect authority "x\\ty" has U+0009
      """)
  void whatAClientCannotSendIsRefusedAtItsPath(String route, String path, String message) {
    ConfigProblem p = singleError(VS.replace("ROUTE", "{" + route + "}"));

    assertThat(p.path()).isEqualTo(path);
    assertThat(p.message()).startsWith(message);
  }

  @Test
  void aCookieThatWouldGoIntoSetCookieMustBeSendable() {
    ConfigProblem p = singleError("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer:
              consistentHash: {httpCookie: {name: user, path: /ü, ttl: 10s}}
        """);

    assertThat(p.path()).isEqualTo("spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.path");
    assertThat(p.message()).startsWith("cookie path \"/ü\" has U+00FC");
  }

  @Test
  void asciiValuesWithSpacesAndEnvoyVariablesStillLoad() {
    MeshConfig config = ConfigLoader.load(List.of(ConfigSource.yaml("x.yaml", VS.replace("ROUTE",
        "{headers: {request: {set: {x-a: \"a b\\tc\", x-b: \"%%50\", host: \"api.example.com:8080\"}}},"
            + " rewrite: {uri: /v2}, route: [{destination: {host: reviews}}]}"))), "default");

    assertThat(config.resources()).hasSize(1);
  }

  private static ConfigProblem singleError(String yaml) {
    MeshConfigException e = catchThrowableOfType(
        () -> ConfigLoader.load(List.of(ConfigSource.yaml("x.yaml", yaml)), "default"), MeshConfigException.class);
    assertThat(e).as("the load must fail").isNotNull();
    assertThat(e.errors()).hasSize(1);
    return e.errors().get(0);
  }
}
