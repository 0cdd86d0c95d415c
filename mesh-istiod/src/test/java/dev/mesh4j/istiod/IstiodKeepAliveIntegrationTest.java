package dev.mesh4j.istiod;

import static dev.mesh4j.istiod.IstiodSourceIntegrationTest.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.istiod.IstiodSourceIntegrationTest.Traffic;
import dev.mesh4j.istiod.testing.BookinfoPods;
import dev.mesh4j.istiod.testing.GrpcGen;
import dev.mesh4j.istiod.testing.H2Relay;
import dev.mesh4j.istiod.testing.TestIstiod;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 keepalive of the ADS connection, over real TCP: a grpc-java Netty server on loopback with
 * a keepalive enforcement policy, as istiod's gRPC server has one (it permits a ping every
 * {@code keepaliveInterval / 2}, 15 s by default, and answers pings more often with
 * {@code GOAWAY ENHANCE_YOUR_CALM too_many_pings} after two strikes), and a relay in between that
 * counts the pings and GOAWAYs and can go silent as a NAT that forgot the connection. grpc-java
 * pings at most every 10 s, so these tests take tens of seconds of wall-clock time; every wait is
 * bounded.
 */
class IstiodKeepAliveIntegrationTest {
  static final String ALL = "bookinfo/destination-rule-all.yaml";
  static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  BookinfoPods pods;
  TestIstiod istiod;
  H2Relay relay;

  @BeforeEach
  void start() {
    pods = new BookinfoPods();
    istiod = TestIstiod.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (relay != null) {
      relay.close();
    }
    istiod.close();
    pods.close();
  }

  GrpcGen.Resources generate(String... files) {
    return new GrpcGen(BookinfoPods.config(List.of(files)), pods.services, "default", Map.of("app", "productpage"))
        .generate();
  }

  /** istiod on loopback permitting a ping every {@code permit} while a stream is open, behind the relay. */
  void serve(Duration permit) throws Exception {
    int port = istiod.listenOnLoopback(b -> b.permitKeepAliveTime(permit.toMillis(), TimeUnit.MILLISECONDS)
        .permitKeepAliveWithoutCalls(false));
    relay = new H2Relay(port);
  }

  Mesh mesh(Duration keepAliveTimeout) {
    return Mesh.builder().namespace("default").workloadName("productpage-v1-abc").workloadLabel("app", "productpage")
        .source(IstiodSource.builder(relay.address()).plaintext().keepAlive(TEN_SECONDS, keepAliveTimeout).build())
        .build();
  }

  /** The ADS streams opened: each new stream's first request carries the node. */
  long streams() {
    return istiod.requests().stream().filter(DiscoveryRequest::hasNode).count();
  }

  @Test
  void pingsTheIdleStreamAsOftenAsTheServerPermitsAndIsNeverSentAway() throws Exception {
    istiod.push(generate(ALL, "bookinfo/virtual-service-all-v1.yaml"));
    serve(Duration.ofSeconds(5)); // the client pings every 10 s: within the policy
    try (Mesh mesh = mesh(Duration.ofSeconds(5))) {
      // A ping too soon is a strike, the third sends the client away; the fourth ping goes out 10 s
      // after the third, so the server's answer to the third has come by then.
      Awaitility.await("four keepalive pings").atMost(Duration.ofSeconds(120)).until(() -> relay.pings() >= 4);
      assertThat(relay.goAways()).as("GOAWAYs from the server").isZero();
      assertThat(relay.connections()).as("connections").isEqualTo(1);
      assertThat(streams()).as("ADS streams").isEqualTo(1);
      assertThat(state(mesh)).isEqualTo(SourceStatus.State.SYNCED);
    }
  }

  /**
   * The policy the first test stays within is real: pings more often than the server permits are
   * answered with GOAWAY, the stream breaks, and the source reconnects and keeps its configuration.
   */
  @Test
  void aServerThatPermitsFewerPingsSendsTheClientAwayAndTheSourceReconnects() throws Exception {
    istiod.push(generate(ALL, "bookinfo/virtual-service-all-v1.yaml"));
    serve(Duration.ofMinutes(5)); // grpc-java's default policy: a ping every 10 s is too many
    try (Mesh mesh = mesh(Duration.ofSeconds(5));
        Traffic traffic = new Traffic(MeshOkHttp.newClient(mesh), "reviews")) {
      Awaitility.await("GOAWAY too_many_pings").atMost(Duration.ofSeconds(90)).until(() -> relay.goAways() >= 1);
      Awaitility.await("a new stream").atMost(Duration.ofSeconds(30)).until(() -> streams() >= 2);
      traffic.awaitAnswers("reviews-v1", 20);
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();
    }
  }

  @Test
  void aConnectionGoneSilentIsGivenUpAndTheSourceResyncsWhileTheLastConfigurationServes() throws Exception {
    istiod.push(generate(ALL, "bookinfo/virtual-service-all-v1.yaml"));
    serve(Duration.ofSeconds(5));
    try (Mesh mesh = mesh(Duration.ofSeconds(2));
        Traffic traffic = new Traffic(MeshOkHttp.newClient(mesh), "reviews")) {
      traffic.awaitAnswers("reviews-v1", 20);
      // The connection goes silent without closing; istiod pushes reviews to v3 meanwhile, into it.
      relay.silence();
      istiod.push(generate(ALL, "bookinfo/virtual-service-reviews-v3.yaml"));
      traffic.awaitAnswers("reviews-v1", 20);
      // The unanswered ping gives the connection up: a new one, a new stream, the push applies.
      Awaitility.await("the push, over a new connection").atMost(Duration.ofSeconds(60))
          .until(() -> traffic.count("reviews-v3") > 0);
      traffic.awaitAnswers("reviews-v3", 20);
      assertThat(relay.connections()).as("connections").isEqualTo(2);
      assertThat(streams()).as("ADS streams").isEqualTo(2);
      assertThat(traffic.failures()).as("failed requests: %s", traffic.failureSamples()).isZero();
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> state(mesh) == SourceStatus.State.SYNCED);
    }
  }

  @Test
  void keepAliveSettingsAreChecked() {
    IstiodSource.Builder b = IstiodSource.builder("istiod.istio-system.svc:15012");
    assertThatThrownBy(() -> b.keepAlive(Duration.ofSeconds(5), TEN_SECONDS))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("keepAlive time: PT5S (expected: >= 10 s, grpc-java's shortest)");
    assertThatThrownBy(() -> b.keepAlive(TEN_SECONDS, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("keepAlive timeout: PT0S (expected: > 0)");
  }
}
