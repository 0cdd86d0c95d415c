package dev.mesh4j.core;

import static dev.mesh4j.core.testing.ScriptedExchange.Step.fail;
import static dev.mesh4j.core.testing.ScriptedExchange.Step.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.ScriptedExchange;
import dev.mesh4j.core.testing.ScriptedExchange.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Envoy's router semantics for retries and timeouts, in virtual time. */
class RetryAndTimeoutTest {
  final FakeClock clock = new FakeClock();

  Mesh mesh(String route) {
    return mesh(route, "");
  }

  Mesh mesh(String route, String destinationRule) {
    ServiceRegistry registry = new ServiceRegistry().register("web", 80,
        Endpoint.of("10.0.0.1", 8080), Endpoint.of("10.0.0.2", 8080), Endpoint.of("10.0.0.3", 8080));
    return Mesh.builder().registry(registry).random(RandomSource.seeded(5))
        .ticker(clock).sleeper(clock).scheduler(clock).dnsRefreshInterval(Duration.ZERO)
        .configYaml(destinationRule.isEmpty() ? "" : destinationRule)
        .configYaml("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web}
            spec:
              hosts: [web]
              http:
              - route: [{destination: {host: web}}]
            %s
            """.formatted(route.indent(4).stripTrailing())).build();
  }

  Response run(Mesh mesh, ScriptedExchange exchange) throws IOException {
    return mesh.execute(MeshRequest.builder("http://web/").build(), exchange);
  }

  @Test
  void istiosDefaultPolicyDoesNotRetryA503() throws IOException {
    try (Mesh mesh = mesh("")) {
      ScriptedExchange ex = new ScriptedExchange(clock, status(503));
      assertThat(run(mesh, ex).status()).isEqualTo(503);
      assertThat(ex.attempts()).hasSize(1);
    }
  }

  @Test
  void a5xxIsRetriedOnAnotherEndpointWithTheAttemptCount() throws IOException {
    try (Mesh mesh = mesh("retries: {attempts: 2, retryOn: 5xx}")) {
      ScriptedExchange ex = new ScriptedExchange(clock, status(500), status(502), status(200));
      assertThat(run(mesh, ex).status()).isEqualTo(200);
      assertThat(ex.attempts()).extracting(UpstreamRequest::attempt).containsExactly(1, 2, 3);
      assertThat(ex.endpoints()).doesNotHaveDuplicates();
      assertThat(ex.discarded()).containsExactly(500, 502);
    }
  }

  @Test
  void afterTheLastRetryTheLastResponseIsReturned() throws IOException {
    try (Mesh mesh = mesh("retries: {attempts: 1, retryOn: gateway-error}")) {
      ScriptedExchange ex = new ScriptedExchange(clock, status(503), status(504));
      assertThat(run(mesh, ex).status()).isEqualTo(504);
      assertThat(ex.attempts()).hasSize(2);
    }
  }

  @Test
  void retryConditionsSelectStatuses() throws IOException {
    try (Mesh mesh = mesh("retries: {attempts: 3, retryOn: 'retriable-4xx,418'}")) {
      ScriptedExchange ex = new ScriptedExchange(clock, status(409), status(418), status(500));
      assertThat(run(mesh, ex).status()).as("500 is not among the conditions").isEqualTo(500);
      assertThat(ex.attempts()).hasSize(3);
    }
  }

  @Test
  void grpcStatusesAreRetriedByTheirNames() throws IOException {
    try (Mesh mesh = mesh("")) {
      // Istio's default retryOn includes "unavailable" (grpc-status 14).
      ScriptedExchange ex = new ScriptedExchange(clock, status(200, Map.of("grpc-status", "14")), status(200));
      assertThat(run(mesh, ex).status()).isEqualTo(200);
      assertThat(ex.attempts()).hasSize(2);
    }
  }

  @Test
  void backoffIsJitteredExponentialWithinEnvoysBounds() throws IOException {
    try (Mesh mesh = mesh("retries: {attempts: 5, retryOn: 5xx}")) {
      ScriptedExchange ex = new ScriptedExchange(clock, status(500), status(500), status(500), status(500),
          status(500), status(200));
      assertThat(run(mesh, ex).status()).isEqualTo(200);
      java.util.List<Long> starts = ex.startedAt();
      long[] caps = {25, 50, 100, 200, 250};
      for (int n = 1; n <= 5; n++) {
        long waitedMs = (starts.get(n) - starts.get(n - 1)) / 1_000_000;
        assertThat(waitedMs).as("back-off before retry %d", n).isBetween(0L, caps[n - 1] - 1);
      }
    }
  }

  @Test
  void aRequestWhoseBodyCannotBeResentIsNotRetried() throws IOException {
    try (Mesh mesh = mesh("retries: {attempts: 2, retryOn: 5xx}")) {
      ScriptedExchange ex = new ScriptedExchange(clock, status(500), status(200));
      MeshRequest web = MeshRequest.builder("http://web/").method("POST").build();
      MeshRequest oneShot = new MeshRequest() {
        // A streamed body, readable once.
        @Override
        public boolean replayable() {
          return false;
        }

        @Override
        public String method() {
          return web.method();
        }

        @Override
        public String scheme() {
          return web.scheme();
        }

        @Override
        public String host() {
          return web.host();
        }

        @Override
        public int port() {
          return web.port();
        }

        @Override
        public String authority() {
          return web.authority();
        }

        @Override
        public String path() {
          return web.path();
        }

        @Override
        public String rawQuery() {
          return web.rawQuery();
        }

        @Override
        public String header(String lowerCaseName) {
          return web.header(lowerCaseName);
        }
      };
      assertThat(mesh.execute(oneShot, ex).status()).isEqualTo(500);
      assertThat(ex.attempts()).hasSize(1);
    }
  }

  @Test
  void theRouteTimeoutCoversEveryAttemptAndAnswers504Ut() throws IOException {
    try (Mesh mesh = mesh("timeout: 1s\nretries: {attempts: 5, retryOn: 5xx}")) {
      ScriptedExchange ex = new ScriptedExchange(clock,
          status(500).after(Duration.ofMillis(400)), status(500).after(Duration.ofMillis(400)),
          status(200).after(Duration.ofMillis(400)));
      Response r = run(mesh, ex);
      assertThat(r.status()).isEqualTo(504);
      assertThat(r.flags()).isEqualTo("UT");
      assertThat(r.reply().body()).isEqualTo("upstream request timeout");
      assertThat(clock.nanos()).as("nothing runs past the deadline").isLessThanOrEqualTo(Duration.ofSeconds(1).toNanos());
      assertThat(ex.attempts().get(ex.attempts().size() - 1).timeout())
          .as("the last attempt only gets what is left").isLessThan(Duration.ofMillis(400));
    }
  }

  @Test
  void aPerTryTimeoutIsRetriedUnder5xxButNotUnderIstiosDefault() throws IOException {
    try (Mesh mesh = mesh("retries: {attempts: 2, perTryTimeout: 100ms, retryOn: 5xx}")) {
      ScriptedExchange ex = new ScriptedExchange(clock, status(200).after(Duration.ofSeconds(5)), status(200));
      assertThat(run(mesh, ex).status()).isEqualTo(200);
      assertThat(ex.attempts()).hasSize(2);
      assertThat(ex.attempts().get(0).timeout()).isEqualTo(Duration.ofMillis(100));
    }
    try (Mesh mesh = mesh("retries: {attempts: 2, perTryTimeout: 100ms}")) {
      ScriptedExchange ex = new ScriptedExchange(clock, status(200).after(Duration.ofSeconds(5)), status(200));
      Response r = run(mesh, ex);
      assertThat(r.status()).isEqualTo(504);
      assertThat(r.flags()).isEqualTo("UT");
      assertThat(ex.attempts()).hasSize(1);
    }
  }

  @Test
  void resetsAreRetriedUnderResetAndConnectFailuresUnderIstiosDefault() throws IOException {
    try (Mesh mesh = mesh("retries: {attempts: 1, retryOn: reset}")) {
      ScriptedExchange ex = new ScriptedExchange(clock, fail(UpstreamFailure.CONNECTION_TERMINATION), status(200));
      assertThat(run(mesh, ex).status()).isEqualTo(200);
    }
    try (Mesh mesh = mesh("")) {
      ScriptedExchange ex = new ScriptedExchange(clock, fail(UpstreamFailure.REMOTE_RESET), status(200));
      Response r = run(mesh, ex);
      assertThat(r.status()).as("a reset is not retried by Istio's default").isEqualTo(503);
      assertThat(r.flags()).isEqualTo("UR");
    }
  }

  @Test
  void underConsistentHashRetriesStayOnTheHashedEndpoint() throws IOException {
    String rule = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web}
        spec:
          host: web
          trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
        """;
    try (Mesh mesh = mesh("retries: {attempts: 2, retryOn: 5xx}", rule)) {
      ScriptedExchange ex = new ScriptedExchange(clock, status(500), status(500), status(200));
      Response r = mesh.execute(MeshRequest.builder("http://web/").header("x-user", "alice").build(), ex);
      assertThat(r.status()).isEqualTo(200);
      assertThat(ex.endpoints()).hasSize(3).containsOnly(ex.endpoints().get(0));
    }
  }

  @Test
  void theDelayOfAFaultDoesNotCountAgainstTheRouteTimeout() throws IOException {
    try (Mesh mesh = mesh("timeout: 1s\nfault: {delay: {fixedDelay: 5s, percentage: {value: 100}}}")) {
      ScriptedExchange ex = new ScriptedExchange(clock, status(200).after(Duration.ofMillis(500)));
      assertThat(run(mesh, ex).status()).isEqualTo(200);
      assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(5));
    }
  }
}
