package dev.mesh4j.istiod;

import static dev.mesh4j.istiod.internal.AdsClient.EDS;
import static dev.mesh4j.istiod.internal.AdsClient.LDS;
import static dev.mesh4j.istiod.internal.AdsClient.RDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.istiod.testing.BookinfoPods;
import dev.mesh4j.istiod.testing.GrpcGen;
import dev.mesh4j.istiod.testing.TestCa;
import dev.mesh4j.istiod.testing.TestIstiod;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken or hostile istiod, over real servers: resources mesh4j's reading of them cannot survive,
 * the same bad resource pushed again and again, responses of a type never asked for, responses
 * larger than gRPC's default limit, and a connection that would carry the service-account token in
 * plain text. docs/istiod.md, "Hardening".
 */
class IstiodHardeningIntegrationTest {
  static final String ALL = "bookinfo/destination-rule-all.yaml";
  static final String REVIEWS = "outbound|9080||reviews.default.svc.cluster.local";

  @TempDir Path dir;
  BookinfoPods pods;
  TestIstiod istiod;
  ManagedChannel channel;

  @BeforeEach
  void start() {
    pods = new BookinfoPods();
    istiod = TestIstiod.start();
    channel = istiod.channel();
    istiod.push(generate(ALL, "bookinfo/virtual-service-all-v1.yaml"));
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    istiod.close();
    pods.close();
  }

  GrpcGen.Resources generate(String... files) {
    return new GrpcGen(BookinfoPods.config(List.of(files)), pods.services, "default", Map.of("app", "productpage"))
        .generate();
  }

  static Mesh.Builder mesh() {
    return Mesh.builder().namespace("default").workloadName("productpage-v1-abc").workloadLabel("app", "productpage");
  }

  /** bookinfo's route configurations, with reviews' first route changed by {@code change}. */
  Map<String, Message> reviewsRoute(UnaryOperator<Route.Builder> change) {
    Map<String, Message> routes = new LinkedHashMap<>(generate(ALL, "bookinfo/virtual-service-all-v1.yaml").routes());
    RouteConfiguration rc = (RouteConfiguration) routes.get(REVIEWS);
    var host = rc.getVirtualHosts(0).toBuilder();
    host.setRoutes(0, change.apply(host.getRoutes(0).toBuilder()));
    routes.put(REVIEWS, rc.toBuilder().setVirtualHosts(0, host).build());
    return routes;
  }

  @Test
  void aResourceWhoseReadingFailsIsNackedAndTheStreamStays() throws Exception {
    try (Mesh mesh = mesh().source(IstiodSource.builder(channel).build()).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      assertThat(get(client, "reviews")).isEqualTo("200 reviews-v1");
      // A timeout no protobuf Duration may hold: seconds far below -10,000 years, negative nanos.
      istiod.push(RDS, reviewsRoute(r -> r.setRoute(r.getRoute().toBuilder().setTimeout(
          com.google.protobuf.Duration.newBuilder().setSeconds(Long.MIN_VALUE).setNanos(-1)))));
      await(() -> !istiod.nacks().isEmpty());
      assertThat(istiod.nacks().get(0).getErrorDetail().getMessage()).isEqualTo("RouteConfiguration " + REVIEWS
          + ": cannot be read: not a valid protobuf Duration (seconds " + Long.MIN_VALUE + ", nanos -1)");
      assertThat(get(client, "reviews")).as("the last good routes serve").isEqualTo("200 reviews-v1");
      assertThat(istiod.requests()).as("one stream: the bad resource did not break it")
          .filteredOn(DiscoveryRequest::hasNode).hasSize(1);
    }
  }

  @Test
  void theSameBadResourcePushedAgainAndAgainDoesNotGrowTheHeap() throws Exception {
    // 2,000 routes mesh4j cannot apply: one problem each, a NACK of 2,000 lines per push.
    Map<String, Message> routes = new LinkedHashMap<>(generate(ALL, "bookinfo/virtual-service-all-v1.yaml").routes());
    RouteConfiguration rc = (RouteConfiguration) routes.get(REVIEWS);
    var host = rc.getVirtualHosts(0).toBuilder().clearRoutes();
    for (int i = 0; i < 2_000; i++) {
      host.addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/" + i))
          .setRoute(RouteAction.newBuilder().setClusterHeader("x-cluster-" + i)));
    }
    routes.put(REVIEWS, rc.toBuilder().setVirtualHosts(0, host).build());
    try (Mesh mesh = mesh().source(IstiodSource.builder(channel).build()).build()) {
      long before = 0;
      for (int push = 1; push <= 80; push++) {
        int nacks = istiod.nacks().size();
        istiod.push(RDS, routes);
        await(() -> istiod.nacks().size() > nacks);
        if (push == 10) {
          before = usedHeapAfterGc();
        }
      }
      long growth = usedHeapAfterGc() - before;
      // Keeping each NACK's problems cost ~0.5 MB a push here (35 MB over these 70 pushes).
      assertThat(growth).as("heap growth over 70 NACKed pushes, bytes").isLessThan(12_000_000);
      assertThat(istiod.nacks().get(0).getErrorDetail().getMessage()).as("the detail is bounded")
          .hasSizeLessThan(16 * 1024 + 100).endsWith("(2000 problems)");
    }
  }

  @Test
  void aResponseOfATypeNeverAskedForIsIgnoredNotSubscribedTo() throws Exception {
    String secret = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
    List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
    String name = InProcessServerBuilder.generateName();
    Server server = scripted(name, requests, (r, out) -> {
      if (r.getTypeUrl().equals(LDS) && r.getResponseNonce().isEmpty()) {
        // A secret first, then no listeners at all.
        out.onNext(DiscoveryResponse.newBuilder().setTypeUrl(secret).setVersionInfo("1").setNonce("a").build());
        out.onNext(DiscoveryResponse.newBuilder().setTypeUrl(LDS).setVersionInfo("1").setNonce("b").build());
      }
    });
    ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
    try (Mesh mesh = mesh().source(IstiodSource.builder(ch).build()).build()) {
      await(() -> requests.stream().anyMatch(r -> r.getTypeUrl().equals(LDS) && r.getResponseNonce().equals("b")));
      assertThat(requests).as("a request for a type is a subscription to it (every resource, with no names)")
          .extracting(DiscoveryRequest::getTypeUrl).containsOnly(LDS);
    } finally {
      ch.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void aResponseOver4MiBIsReadOverTcp() throws Exception {
    // istiod's listeners for a few thousand services exceed gRPC's default 4 MiB; padding stands in.
    String padding = "x".repeat(6 * 1024 * 1024);
    istiod.push(RDS, reviewsRoute(r -> r.setMetadata(Metadata.newBuilder().putFilterMetadata("padding",
        Struct.newBuilder().putFields("padding", Value.newBuilder().setStringValue(padding).build()).build()))));
    int port = istiod.listenOnLoopback();
    try (Mesh mesh = mesh().source(IstiodSource.builder("127.0.0.1:" + port).plaintext()
        .initialSyncTimeout(Duration.ofSeconds(20)).build()).build()) {
      assertThat(get(MeshOkHttp.newClient(mesh), "reviews")).isEqualTo("200 reviews-v1");
    }
  }

  @Test
  void theTokenIsNotSentOverAPlainTextChannel() throws Exception {
    TestCa ca = new TestCa(Clock.systemUTC()).allow("token-1", "default", "productpage");
    Path token = dir.resolve("istio-token");
    Files.writeString(token, "token-1\n");
    Path root = dir.resolve("root-cert.pem");
    Files.writeString(root, TestCa.pem(ca.root));
    istiod.push(new GrpcGen(BookinfoPods.config(List.of(), IstiodIdentityIntegrationTest.ISTIO_MUTUAL),
        pods.services, "default", Map.of("app", "productpage")).generate());
    Server plain = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(ca.service())
        .build().start();
    ManagedChannel plainChannel = Grpc.newChannelBuilderForAddress("127.0.0.1", plain.getPort(),
        InsecureChannelCredentials.create()).build();
    IstiodSource caSource = IstiodSource.builder(plainChannel).caCertificate(root).token(token).build();
    try (Mesh mesh = Mesh.builder()
        .workload(Workload.builder().namespace("default").name("productpage-v1-abc").serviceAccount("productpage")
            .label("app", "productpage").build())
        .source(IstiodSource.builder(channel).build()).identity(caSource.identity()).build()) {
      MeshRequest request = MeshRequest.builder("http://reviews:9080/").build();
      Awaitility.await("the refusal").atMost(Duration.ofSeconds(20))
          .until(() -> mesh.explain(request).outcome().body().contains("is sent only over TLS"));
      assertThat(mesh.explain(request).outcome().body()).contains("the service-account token (" + token
          + ") is sent only over TLS, and the connection to 127.0.0.1:" + plain.getPort() + " is NONE");
      assertThat(ca.calls).as("no request reached the CA, so no token crossed the wire").isEmpty();
      assertThat(mesh.identity()).isNull();
    } finally {
      plainChannel.shutdownNow();
      plain.shutdownNow();
      ca.close();
    }
  }

  @Test
  void anEndpointAddressNoHttpClientCanUseIsNackedAndRequestsKeepTheLastGoodEndpoints() throws Exception {
    String v1 = "outbound|9080|v1|reviews.default.svc.cluster.local";
    try (Mesh mesh = mesh().source(IstiodSource.builder(channel).build()).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      assertThat(get(client, "reviews")).isEqualTo("200 reviews-v1");
      List<String> hostile = List.of("127.0.0.1\r\nx-evil: 1", "user@127.0.0.1", "127.0.0.1/../admin", "[::1",
          "a b", "x".repeat(300));
      for (String address : hostile) {
        Map<String, Message> endpoints = new LinkedHashMap<>(generate(ALL, "bookinfo/virtual-service-all-v1.yaml").endpoints());
        ClusterLoadAssignment cla = (ClusterLoadAssignment) endpoints.get(v1);
        var locality = cla.getEndpoints(0).toBuilder();
        var lb = locality.getLbEndpoints(0).toBuilder();
        lb.getEndpointBuilder().getAddressBuilder().getSocketAddressBuilder().setAddress(address);
        locality.setLbEndpoints(0, lb);
        endpoints.put(v1, cla.toBuilder().setEndpoints(0, locality).build());
        int nacks = istiod.nacks().size();
        istiod.push(EDS, endpoints);
        await(() -> istiod.nacks().size() > nacks);
        assertThat(istiod.nacks().get(nacks).getErrorDetail().getMessage()).as(address)
            .startsWith("ClusterLoadAssignment " + v1
                + " endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address: \"")
            .containsAnyOf("is not an IP address or DNS name", "is longer than a DNS name");
        for (int i = 0; i < 5; i++) {
          assertThat(get(client, "reviews")).as("the last good endpoints serve").isEqualTo("200 reviews-v1");
        }
      }
    }
  }

  @Test
  void aResourceNamedTwiceInOneResponseIsNackedAndTheFirstApplies() throws Exception {
    GrpcGen.Resources r = generate(ALL, "bookinfo/virtual-service-all-v1.yaml");
    var reviews = r.listeners().get("reviews.default.svc.cluster.local:9080");
    // The second "reviews" listener names the ratings routes.
    var impostor = r.listeners().get("ratings.default.svc.cluster.local:9080").toBuilder().setName(reviews.getName())
        .build();
    List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
    String name = InProcessServerBuilder.generateName();
    Server server = scripted(name, requests, (request, out) -> {
      if (request.getTypeUrl().equals(LDS) && request.getResponseNonce().isEmpty()) {
        out.onNext(DiscoveryResponse.newBuilder().setTypeUrl(LDS).setVersionInfo("1").setNonce("l")
            .addResources(com.google.protobuf.Any.pack(reviews)).addResources(com.google.protobuf.Any.pack(impostor))
            .build());
      }
    });
    ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
    IstiodSource source = IstiodSource.builder(ch).initialSyncTimeout(Duration.ZERO).build();
    try (Mesh mesh = mesh().source(source).build()) {
      await(() -> requests.stream().anyMatch(DiscoveryRequest::hasErrorDetail));
      assertThat(requests.stream().filter(DiscoveryRequest::hasErrorDetail).findFirst().orElseThrow()
          .getErrorDetail().getMessage()).isEqualTo("Listener reviews.default.svc.cluster.local:9080: a second "
              + "resource of this name in the response (the first applies)");
      assertThat(requests).filteredOn(q -> q.getTypeUrl().equals(RDS)).last()
          .extracting(DiscoveryRequest::getResourceNamesList).asList()
          .as("the routes of the first listener are asked for, not the impostor's")
          .containsExactly(REVIEWS);
    } finally {
      ch.shutdownNow();
      server.shutdownNow();
    }
  }

  /** An in-process ADS server that records each request and hands it to {@code script}. */
  static Server scripted(String name, List<DiscoveryRequest> requests,
      BiConsumer<DiscoveryRequest, StreamObserver<DiscoveryResponse>> script) throws IOException {
    return InProcessServerBuilder.forName(name).addService(new AggregatedDiscoveryServiceGrpc
        .AggregatedDiscoveryServiceImplBase() {
      @Override
      public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> out) {
        return new StreamObserver<>() {
          @Override
          public void onNext(DiscoveryRequest r) {
            requests.add(r);
            script.accept(r, out);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        };
      }
    }).build().start();
  }

  static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static String get(OkHttpClient client, String app) throws IOException {
    try (Response response = client.newCall(new Request.Builder().url("http://" + app + ":9080/").build()).execute()) {
      String backend = response.header("x-backend");
      return response.code() + " " + (backend != null ? backend : response.body().string());
    }
  }

  static void await(java.util.concurrent.Callable<Boolean> condition) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(condition);
  }
}
