package dev.mesh4j.core.internal.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Envoy's header value format strings, as mesh4j substitutes and refuses them. */
class HeaderFormatTest {
  /** 2026-12-03T15:21:47.123Z. */
  static final long START = Instant.parse("2026-12-03T15:21:47.123Z").toEpochMilli();

  /** A request (and, with a status, its response) as the values a format reads. */
  record Values(Map<String, String> request, @Nullable String upstreamHost, int responseCode, String responseFlags)
      implements HeaderFormat.Values {
    static Values request(Map<String, String> headers) {
      return new Values(headers, null, 0, "");
    }

    @Override
    public @Nullable String requestHeader(String name) {
      return request.get(name);
    }

    @Override
    public long startMillis() {
      return START;
    }

    @Override
    public String cluster() {
      return "outbound|9080|v1|reviews.default.svc.cluster.local";
    }

    @Override
    public String routeName() {
      return "canary";
    }
  }

  static String format(String value, HeaderFormat.Values v) {
    assertThat(HeaderFormat.problem(value)).as(value).isNull();
    return HeaderFormat.compile(value, name -> name.equals("POD_NAME") ? "reviews-v1-abc" : null).format(v);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiterString = " => ", textBlock = """
      %REQ(end-user)% => jason
      user=%REQ(end-user)%; 100%% => user=jason; 100%
      %REQ(x-missing?end-user)% => jason
      %REQ(x-missing)% => ''
      %REQ(:path)% %REQ(:METHOD)% => /reviews/1?x=2 GET
      %START_TIME% => 2026-12-03T15:21:47.123Z
      %START_TIME(%s)% => 1796311307
      %START_TIME(%s.%3f)% => 1796311307.123
      %START_TIME(%Y/%m/%d %H:%M:%S %Z)% => 2026/12/03 15:21:47 UTC
      %START_TIME(%a %b %e %T %E6S %j)% => Thu Dec  3 15:21:47 47.123000 337
      %UPSTREAM_CLUSTER% => outbound|9080|v1|reviews.default.svc.cluster.local
      %ROUTE_NAME% => canary
      %ENVIRONMENT(POD_NAME)% => reviews-v1-abc
      x%ENVIRONMENT(NOT_SET)%y => xy
      %UPSTREAM_HOST% => ''
      %RESPONSE_CODE% => ''
      """)
  void requestValues(String value, String expected) {
    Values v = Values.request(Map.of("end-user", "jason", ":path", "/reviews/1?x=2", ":method", "GET"));
    assertThat(format(value.strip(), v)).isEqualTo(expected);
  }

  @Test
  void responseValuesNameTheEndpointTheStatusAndTheFlags() {
    Values v = new Values(Map.of(), "[fd00::1]:9080", 503, "URX");
    assertThat(format("%UPSTREAM_HOST% %RESPONSE_CODE% %RESPONSE_FLAGS%", v)).isEqualTo("[fd00::1]:9080 503 URX");
    assertThat(format("%UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%/%UPSTREAM_REMOTE_PORT%", v)).isEqualTo("fd00::1/9080");
    assertThat(format("%UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", new Values(Map.of(), "10.0.0.1:80", 200, "-")))
        .isEqualTo("10.0.0.1");
  }

  @Test
  void hostNameAndEnvironmentAreReadWhenCompiledAndLeaveALiteral() {
    HeaderFormat f = HeaderFormat.compile("%ENVIRONMENT(POD_NAME)%-x", name -> "p");
    assertThat(f.isLiteral()).isTrue();
    assertThat(f.literal()).isEqualTo("p-x");
    assertThat(HeaderFormat.compile("%HOSTNAME%", name -> null).literal()).isNotEmpty();
    assertThat(HeaderFormat.compile("100%%", name -> null).literal()).isEqualTo("100%");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      %DOWNSTREAM_REMOTE_ADDRESS%                          | describes the connection from the application to a proxy
      %DOWNSTREAM_PEER_CERT_V_END(%b %d %H:%M:%S %Y %Z)%    | describes the connection from the application to a proxy
      %DYNAMIC_METADATA(com.test.my_filter)%               | is not substituted by mesh4j, which would send it literally
      %UPSTREAM_METADATA(["istio", "workload"])%           | is not substituted by mesh4j
      %RESP(x-foo)%                                        | is not substituted by mesh4j
      %NO_SUCH_THING%                                      | is not substituted by mesh4j
      %REQ()%                                              | needs one name as its argument
      %REQ%                                                | needs one name as its argument
      %HOSTNAME(x)%                                        | takes no argument
      %START_TIME(%Q)%                                     | has a conversion mesh4j does not know at position 0
      """)
  void whatMesh4jCannotSubstituteIsRefused(String value, String why) {
    assertThat(HeaderFormat.problem(value.strip())).contains(why);
  }

  @Test
  void responseOnlyCommandsAreNamed() {
    assertThat(HeaderFormat.responseOnly("%UPSTREAM_HOST%-%REQ(a)%-%RESPONSE_CODE%"))
        .containsExactly("%UPSTREAM_HOST%", "%RESPONSE_CODE%");
    assertThat(HeaderFormat.compile("%RESPONSE_FLAGS%", n -> null).readsResponse()).isTrue();
    assertThat(HeaderFormat.compile("%REQ(a)%", n -> null).readsResponse()).isFalse();
  }
}
