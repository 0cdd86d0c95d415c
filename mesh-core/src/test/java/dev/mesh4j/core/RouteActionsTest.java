package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.FakeSleeper;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.RecordingExchange.Result;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What matched routes do: rewrites, redirects, direct responses, headers, faults, mirrors. */
class RouteActionsTest {
  static final Endpoint A = Endpoint.of("10.0.0.1", 8080);

  static Mesh mesh(String http) {
    return mesh(http, new FakeSleeper());
  }

  static Mesh mesh(String http, FakeSleeper sleeper) {
    ServiceRegistry registry = new ServiceRegistry().register("web", 80, A)
        .register("shadow", 80, Endpoint.of("10.0.0.7", 8080));
    return Mesh.builder().registry(registry).random(RandomSource.seeded(7)).sleeper(sleeper).configYaml("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: [web]
          http:
        %s
        """.formatted(http.indent(2).stripTrailing())).build();
  }

  static Result send(Mesh mesh, MeshRequest request) throws IOException {
    return mesh.execute(request, new RecordingExchange());
  }

  static Result send(Mesh mesh, String url) throws IOException {
    return send(mesh, MeshRequest.builder(url).build());
  }

  @Test
  void prefixRewriteReplacesOnlyTheMatchedPrefixAndKeepsTheQuery() throws IOException {
    try (Mesh mesh = mesh("""
        - match: [{uri: {prefix: /api/v1}}]
          rewrite: {uri: /v2}
          route: [{destination: {host: web}}]
        """)) {
      Result r = send(mesh, "http://web/api/v1/users?id=3");
      assertThat(r.sent().path()).isEqualTo("/v2/users");
      assertThat(r.sent().rawQuery()).isEqualTo("id=3");
    }
  }

  @Test
  void rewriteAfterAnExactOrRegexMatchReplacesTheWholePath() throws IOException {
    try (Mesh mesh = mesh("""
        - match: [{uri: {exact: /old}}, {uri: {regex: '/re/.*'}}]
          rewrite: {uri: /new}
          route: [{destination: {host: web}}]
        """)) {
      assertThat(send(mesh, "http://web/old").sent().path()).isEqualTo("/new");
      assertThat(send(mesh, "http://web/re/x/y").sent().path()).isEqualTo("/new");
    }
  }

  @Test
  void rewriteWithoutAUriMatchReplacesTheLeadingSlash() throws IOException {
    try (Mesh mesh = mesh("""
        - rewrite: {uri: /v2}
          route: [{destination: {host: web}}]
        """)) {
      assertThat(send(mesh, "http://web/foo").sent().path()).isEqualTo("/v2foo");
    }
  }

  @Test
  void regexRewriteSubstitutesCaptureGroups() throws IOException {
    try (Mesh mesh = mesh("""
        - rewrite:
            uriRegexRewrite: {match: '^/service/([^/]+)(/.*)$', rewrite: '\\2/instance/\\1'}
          route: [{destination: {host: web}}]
        """)) {
      assertThat(send(mesh, "http://web/service/foo/v1/api").sent().path()).isEqualTo("/v1/api/instance/foo");
    }
  }

  @Test
  void aRegexRewriteThatDropsTheLeadingSlashStillSendsAPath() throws IOException {
    try (Mesh mesh = mesh("""
        - rewrite:
            uriRegexRewrite: {match: '^/service/', rewrite: 'v2/'}
          route: [{destination: {host: web}}]
        """)) {
      assertThat(send(mesh, "http://web/service/foo").sent().path()).isEqualTo("/v2/foo");
    }
  }

  @Test
  void authorityRewriteChangesTheHostSentButNotTheEndpoint() throws IOException {
    try (Mesh mesh = mesh("""
        - rewrite: {authority: other.example.com}
          route: [{destination: {host: web}}]
        """)) {
      Result r = send(mesh, "http://web/");
      assertThat(r.sent().authority()).isEqualTo("other.example.com");
      assertThat(r.sent().endpoint()).isEqualTo(A);
    }
  }

  @Test
  void redirectBuildsEnvoysLocationKeepingTheQuery() throws IOException {
    try (Mesh mesh = mesh("""
        - match: [{uri: {prefix: /a}}]
          redirect: {uri: /new/path, authority: redirect2.example.com}
        - match: [{uri: {prefix: /b}}]
          redirect: {scheme: https, redirectCode: 308}
        - match: [{uri: {prefix: /c}}]
          redirect: {uri: '/x?y=1', port: 8443, scheme: https}
        """)) {
      Result a = send(mesh, "http://web/a/b?q=1");
      assertThat(a.reply().status()).isEqualTo(301);
      assertThat(a.responseHeaders()).containsEntry("location", "http://redirect2.example.com/new/path?q=1");
      Result b = send(mesh, "http://web/b/c");
      assertThat(b.reply().status()).isEqualTo(308);
      assertThat(b.responseHeaders()).containsEntry("location", "https://web/b/c");
      Result c = send(mesh, "http://web/c?q=2");
      assertThat(c.responseHeaders()).containsEntry("location", "https://web:8443/x?y=1");
      assertThat(a.wasSent() || b.wasSent() || c.wasSent()).isFalse();
    }
  }

  @Test
  void directResponseAnswersWithoutAnUpstreamCall() throws IOException {
    try (Mesh mesh = mesh("""
        - directResponse: {status: 418, body: {string: teapot}}
          headers: {response: {set: {x-why: direct}}}
        """)) {
      Result r = send(mesh, "http://web/");
      assertThat(r.wasSent()).isFalse();
      assertThat(r.reply().status()).isEqualTo(418);
      assertThat(r.reply().body()).isEqualTo("teapot");
      assertThat(r.responseHeaders()).containsEntry("x-why", "direct");
    }
  }

  @Test
  void singleDestinationHeadersRunAsOneParserRemovesThenSetsThenAdds() throws IOException {
    try (Mesh mesh = mesh("""
        - headers:
            request: {add: {x-a: route}, set: {x-s: route}, remove: [x-gone]}
          route:
          - destination: {host: web}
            headers:
              request: {set: {x-s: dest, x-empty: ''}, add: {x-a: dest}}
        """)) {
      HeaderMutation m = send(mesh, "http://web/").routeHeaders();
      assertThat(m.toString()).isEqualTo("remove x-gone, set x-s=route, set x-s=dest, add x-a=route, add x-a=dest");
    }
  }

  @Test
  void weightedDestinationHeadersRunBeforeTheRoutesSoTheRouteWins() throws IOException {
    try (Mesh mesh = mesh("""
        - headers:
            request: {set: {x-s: route}}
          route:
          - destination: {host: web}
            weight: 100
            headers: {request: {set: {x-s: dest, x-d: '100%%'}}}
          - destination: {host: shadow}
            weight: 0
        """)) {
      HeaderMutation m = send(mesh, "http://web/").routeHeaders();
      assertThat(m.toString()).isEqualTo("set x-s=dest, set x-d=100%, set x-s=route");
    }
  }

  @Test
  void hostInHeaderSetIsAnAuthorityRewrite() throws IOException {
    try (Mesh mesh = mesh("""
        - headers: {request: {set: {host: api.internal}}}
          route: [{destination: {host: web}}]
        """)) {
      Result r = send(mesh, "http://web/");
      assertThat(r.sent().authority()).isEqualTo("api.internal");
      assertThat(r.routeHeaders().isEmpty()).isTrue();
    }
  }

  @Test
  void abortAnswersLocallyWithTheConfiguredStatusAndNeverReachesAnEndpoint() throws IOException {
    try (Mesh mesh = mesh("""
        - fault: {abort: {httpStatus: 555, percentage: {value: 100}}}
          route: [{destination: {host: web}}]
        """)) {
      Result r = send(mesh, "http://web/");
      assertThat(r.wasSent()).isFalse();
      assertThat(r.reply().status()).isEqualTo(555);
      assertThat(r.reply().flags()).isEqualTo("FI");
      assertThat(r.reply().body()).isEqualTo("fault filter abort");
    }
  }

  @Test
  void grpcAbortIsATrailersOnlyGrpcResponse() throws IOException {
    try (Mesh mesh = mesh("""
        - fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 100}}}
          route: [{destination: {host: web}}]
        """)) {
      Result r = send(mesh, "http://web/pkg.Service/Method");
      assertThat(r.wasSent()).isFalse();
      assertThat(r.reply().status()).isEqualTo(200);
      assertThat(r.responseHeaders()).containsEntry("grpc-status", "14")
          .containsEntry("grpc-message", "fault filter abort").containsEntry("content-type", "application/grpc");
    }
  }

  @Test
  void faultWithoutPercentageInjectsNothing() throws IOException {
    FakeSleeper sleeper = new FakeSleeper();
    try (Mesh mesh = mesh("""
        - fault:
            delay: {fixedDelay: 7s}
            abort: {httpStatus: 500}
          route: [{destination: {host: web}}]
        """, sleeper)) {
      assertThat(send(mesh, "http://web/").wasSent()).isTrue();
      assertThat(sleeper.slept()).isZero();
    }
  }

  @Test
  void delayWaitsOnTheInjectedSleeperThenForwards() throws IOException {
    FakeSleeper sleeper = new FakeSleeper();
    try (Mesh mesh = mesh("""
        - fault: {delay: {fixedDelay: 7s, percentage: {value: 100}}}
          route: [{destination: {host: web}}]
        """, sleeper)) {
      assertThat(send(mesh, "http://web/").wasSent()).isTrue();
      assertThat(sleeper.slept()).isEqualTo(Duration.ofSeconds(7));
    }
  }

  @Test
  void abortPercentageIsHonouredWithinBinomialTolerance() throws IOException {
    try (Mesh mesh = mesh("""
        - fault: {abort: {httpStatus: 503, percentage: {value: 12.5}}}
          route: [{destination: {host: web}}]
        """)) {
      int n = 4000;
      int aborted = 0;
      for (int i = 0; i < n; i++) {
        if (!send(mesh, "http://web/").wasSent()) {
          aborted++;
        }
      }
      assertThat(dev.mesh4j.core.testing.Binomial.plausible(aborted, n, 0.125)).as("aborted %d of %d", aborted, n).isTrue();
    }
  }

  @Test
  void mirrorsACopyWithTheSameHostByDefault() throws IOException {
    try (Mesh mesh = mesh("""
        - route: [{destination: {host: web}}]
          mirror: {host: shadow}
        """)) {
      RecordingExchange ex = new RecordingExchange();
      Result r = mesh.execute(MeshRequest.builder("http://web:80/p").build(), ex);
      assertThat(r.sent().endpoint()).isEqualTo(A);
      assertThat(ex.mirrored()).hasSize(1);
      assertThat(ex.mirrored().get(0).endpoint().hostPort()).isEqualTo("10.0.0.7:8080");
      assertThat(ex.mirrored().get(0).authority()).isEqualTo("web:80");
      assertThat(ex.mirrored().get(0).path()).isEqualTo("/p");
    }
  }

  @Test
  void shadowHostSuffixIsInsertedBeforeThePortWhenEnabled() throws IOException {
    ServiceRegistry registry = new ServiceRegistry().register("web", 80, A)
        .register("shadow", 80, Endpoint.of("10.0.0.7", 8080));
    try (Mesh mesh = Mesh.builder().registry(registry).mirrorShadowHostSuffix(true).configYaml("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: [web]
          http:
          - route: [{destination: {host: web}}]
            mirror: {host: shadow}
        """).build()) {
      RecordingExchange ex = new RecordingExchange();
      mesh.execute(MeshRequest.builder("http://web:80/").build(), ex);
      assertThat(ex.mirrored().get(0).authority()).isEqualTo("web-shadow:80");
    }
  }

  @Test
  void mirrorPercentageSamplesRequests() throws IOException {
    try (Mesh mesh = mesh("""
        - route: [{destination: {host: web}}]
          mirror: {host: shadow}
          mirrorPercentage: {value: 25}
        """)) {
      int n = 4000;
      int mirrored = 0;
      for (int i = 0; i < n; i++) {
        RecordingExchange ex = new RecordingExchange();
        mesh.execute(MeshRequest.builder("http://web/").build(), ex);
        mirrored += ex.mirrored().size();
      }
      assertThat(dev.mesh4j.core.testing.Binomial.plausible(mirrored, n, 0.25)).as("%d of %d", mirrored, n).isTrue();
    }
  }

  @Test
  void connectFailuresAreRetriedTwiceByDefaultThenAnsweredAsEnvoyDoes() throws IOException {
    try (Mesh mesh = mesh("- route: [{destination: {host: web}}]")) {
      RecordingExchange ex = new RecordingExchange(new java.net.ConnectException("refused"),
          dev.mesh4j.core.http.UpstreamFailure.CONNECT_FAILURE);
      Result r = mesh.execute(MeshRequest.builder("http://web/").build(), ex);
      assertThat(ex.attempts()).extracting(dev.mesh4j.core.http.UpstreamRequest::attempt).containsExactly(1, 2, 3);
      assertThat(r.reply().status()).isEqualTo(503);
      assertThat(r.reply().flags()).isEqualTo("UF,URX");
      assertThat(r.reply().body()).isEqualTo("upstream connect error or disconnect/reset before headers."
          + " retried and the latest reset reason: remote connection failure");
    }
  }

  @Test
  void withRetriesDisabledAConnectFailureIsAnsweredAtOnce() throws IOException {
    try (Mesh mesh = mesh("- route: [{destination: {host: web}}]\n  retries: {attempts: 0}")) {
      RecordingExchange ex = new RecordingExchange(new java.net.ConnectException("refused"),
          dev.mesh4j.core.http.UpstreamFailure.CONNECT_FAILURE);
      Result r = mesh.execute(MeshRequest.builder("http://web/").build(), ex);
      assertThat(ex.attempts()).hasSize(1);
      assertThat(r.reply().flags()).isEqualTo("UF");
      assertThat(r.reply().body()).doesNotContain("retried");
    }
  }

  @Test
  void theApplicationsOwnCancellationIsRethrown() {
    try (Mesh mesh = mesh("- route: [{destination: {host: web}}]")) {
      java.io.InterruptedIOException cancelled = new java.io.InterruptedIOException("timeout");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> mesh.execute(
              MeshRequest.builder("http://web/").build(),
              new RecordingExchange(cancelled, dev.mesh4j.core.http.UpstreamFailure.RETHROW)))
          .isSameAs(cancelled);
    }
  }

  @Test
  void routesWithoutAnyApplicableMatchLeaveTheDefaultRoute() throws IOException {
    try (Mesh mesh = mesh("""
        - match: [{port: 9999}]
          route: [{destination: {host: shadow}}]
        """)) {
      assertThat(send(mesh, "http://web/").sent().endpoint()).isEqualTo(A);
    }
  }

  static List<String> flags(Result r) {
    return List.of(r.reply().flags().split(","));
  }
}
