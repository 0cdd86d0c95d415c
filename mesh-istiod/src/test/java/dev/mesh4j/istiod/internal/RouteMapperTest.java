package dev.mesh4j.istiod.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import dev.mesh4j.api.config.HttpMatchRequest;
import dev.mesh4j.api.config.HttpRetry;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.StringMatch;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Envoy routes as mesh4j reads them: the semantics Envoy gives each field, and NACKs naming it. */
class RouteMapperTest {
  static final String REVIEWS_V1 = "outbound|9080|v1|reviews.default.svc.cluster.local";

  Problems problems = new Problems("RouteConfiguration r");

  HttpRoute map(Route.Builder route) {
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName("r")
        .addVirtualHosts(VirtualHost.newBuilder().addDomains("*").addRoutes(route)).build();
    var table = RouteMapper.map(rc, problems, "");
    return table.virtualHosts().get(0).routes().isEmpty() ? null : table.virtualHosts().get(0).routes().get(0).route();
  }

  static Route.Builder toV1() {
    return Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setCluster(REVIEWS_V1));
  }

  @Test
  void headerMatchersKeepEnvoysMeaningOfMissingHeaders() {
    HttpRoute r = map(toV1().setMatch(RouteMatch.newBuilder().setPrefix("/api")
        .addHeaders(HeaderMatcher.newBuilder().setName("x-a").setInvertMatch(true).setTreatMissingHeaderAsEmpty(true)
            .setStringMatch(StringMatcher.newBuilder().setExact("1")))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-b").setInvertMatch(true)
            .setStringMatch(StringMatcher.newBuilder().setExact("2")))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-c").setPresentMatch(false))
        .addHeaders(HeaderMatcher.newBuilder().setName("x-d").setStringMatch(StringMatcher.newBuilder().setSuffix(".a+b")))
        .addHeaders(HeaderMatcher.newBuilder().setName(":method").setStringMatch(StringMatcher.newBuilder()
            .setExact("get").setIgnoreCase(true)))));
    assertThat(problems.errors()).isEmpty();
    HttpMatchRequest m = r.match().get(0);
    assertThat(m.uri()).isEqualTo(StringMatch.prefix("/api"));
    // Istio's withoutHeaders: a missing header counts as empty.
    assertThat(m.withoutHeaders()).containsEntry("x-a", StringMatch.exact("1"));
    // Envoy fails an inverted match of a missing header: the header must be there.
    assertThat(m.headers()).containsEntry("x-b", StringMatch.present());
    assertThat(m.withoutHeaders()).containsEntry("x-b", StringMatch.exact("2"));
    assertThat(m.withoutHeaders()).containsEntry("x-c", StringMatch.present());
    assertThat(m.headers()).containsEntry("x-d", StringMatch.regex(".*\\.a\\+b"));
    assertThat(m.method()).isEqualTo(StringMatch.regex("(?i)get"));
  }

  @Test
  void aRouteWithoutTimeoutHasEnvoysFifteenSecondsAndZeroDisablesIt() {
    assertThat(map(toV1()).timeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(map(toV1().setRoute(RouteAction.newBuilder().setCluster(REVIEWS_V1)
        .setTimeout(com.google.protobuf.Duration.getDefaultInstance()))).timeout()).isNull();
    assertThat(map(toV1().setRoute(RouteAction.newBuilder().setCluster(REVIEWS_V1)
        .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder()
            .setMaxStreamDuration(com.google.protobuf.Duration.newBuilder().setSeconds(3))))).timeout())
        .as("what istiod writes for proxyless clients").isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void retryPoliciesReadAsEnvoyAppliesThem() {
    assertThat(map(toV1()).retries()).as("no policy: no retries").isEqualTo(HttpRetry.builder().attempts(0).build());
    HttpRetry one = map(toV1().setRoute(RouteAction.newBuilder().setCluster(REVIEWS_V1)
        .setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("5xx")))).retries();
    assertThat(one.attempts()).as("Envoy's default num_retries").isEqualTo(1);
    assertThat(one.retryIgnorePreviousHosts()).isFalse();
    HttpRetry istio = map(toV1().setRoute(RouteAction.newBuilder().setCluster(REVIEWS_V1)
        .setRetryPolicy(RetryPolicy.newBuilder().setNumRetries(UInt32Value.of(2))
            .setRetryOn("connect-failure,retriable-status-codes").addRetriableStatusCodes(503)
            .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                .setName("envoy.retry_host_predicates.previous_hosts"))))).retries();
    assertThat(istio.retryOn()).isEqualTo("connect-failure,retriable-status-codes,503");
    assertThat(istio.retryIgnorePreviousHosts()).isTrue();
    HttpRetry codesIgnored = map(toV1().setRoute(RouteAction.newBuilder().setCluster(REVIEWS_V1)
        .setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("reset").addRetriableStatusCodes(503)))).retries();
    assertThat(codesIgnored.retryOn()).as("codes apply only with retriable-status-codes").isEqualTo("reset");
    assertThat(map(toV1().setRoute(RouteAction.newBuilder().setCluster(REVIEWS_V1)
        .setRetryPolicy(RetryPolicy.newBuilder().setNumRetries(UInt32Value.of(3))))).retries().attempts())
        .as("no condition: Envoy never retries").isZero();
  }

  @Test
  void aWeightedClustersAuthorityRewriteBecomesTheDestinationsAuthority() {
    HttpRoute r = map(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName(REVIEWS_V1).setWeight(UInt32Value.of(90))
                .setHostRewriteLiteral("canary.example"))
            .addClusters(WeightedCluster.ClusterWeight.newBuilder()
                .setName("outbound|9080|v2|reviews.default.svc.cluster.local").setWeight(UInt32Value.of(10))))));
    assertThat(problems.errors()).isEmpty();
    assertThat(r.route()).hasSize(2);
    assertThat(r.route().get(0).weight()).isEqualTo(90);
    assertThat(r.route().get(0).destination().subset()).isEqualTo("v1");
    assertThat(r.route().get(0).destination().port()).isEqualTo(9080);
    assertThat(r.route().get(0).headers().request().set()).containsEntry(":authority", "canary.example");
  }

  @Test
  void whatMeshFourJCannotApplyIsAProblemNamingTheField() {
    map(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")
            .addHeaders(HeaderMatcher.newBuilder().setName("x-n").setRangeMatch(Int64Range.newBuilder().setEnd(5))))
        .setRoute(RouteAction.newBuilder().setCluster("my-cluster")));
    assertThat(problems.errors()).containsExactly(
        "RouteConfiguration r virtual_hosts[0].routes[0].match.headers[0]: RANGE_MATCH is not supported",
        "RouteConfiguration r virtual_hosts[0].routes[0].route.cluster: cluster \"my-cluster\" is not an Istio "
            + "outbound cluster (outbound|port|subset|host): mesh4j routes to services");
  }
}
