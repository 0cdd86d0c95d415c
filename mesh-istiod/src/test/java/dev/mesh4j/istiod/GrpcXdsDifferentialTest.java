package dev.mesh4j.istiod;

import dev.mesh4j.istiod.testing.BookinfoPods;
import dev.mesh4j.istiod.testing.GrpcGen;
import dev.mesh4j.istiod.testing.TestIstiod;
import static dev.mesh4j.istiod.internal.AdsClient.CDS;
import static dev.mesh4j.istiod.internal.AdsClient.EDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * grpc-java's own xDS client and mesh4j read the same ADS server (over TCP on loopback) serving
 * what istiod's gRPC generator makes of bookinfo's reviews routing, and must agree: the same
 * clusters subscribed for the reviews routes, the same endpoints behind each, and the same pods
 * reached for the same request. The pods are gRPC servers that name themselves in a response header.
 */
class GrpcXdsDifferentialTest {
  static final String TARGET = "reviews.default.svc.cluster.local:9080";
  static final Metadata.Key<String> POD = Metadata.Key.of("x-pod", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> USER = Metadata.Key.of("end-user", Metadata.ASCII_STRING_MARSHALLER);

  final List<Server> pods = new ArrayList<>();
  final List<GrpcGen.Pod> reviews = new ArrayList<>();
  TestIstiod istiod;
  int xdsPort;

  @BeforeEach
  void start() throws IOException {
    for (String v : List.of("v1", "v2", "v3")) {
      String name = "reviews-" + v;
      Server pod = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
          .forAddress(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))
          .addService(ServerInterceptors.intercept(new HealthStatusManager().getHealthService(), named(name)))
          .build().start();
      pods.add(pod);
      reviews.add(new GrpcGen.Pod(name, "127.0.0.1", pod.getPort(), Map.of("app", "reviews", "version", v)));
    }
    istiod = TestIstiod.start();
    xdsPort = istiod.listenOnLoopback();
    System.setProperty("io.grpc.xds.bootstrapConfig", """
        {"xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}],
                          "server_features": ["xds_v3"]}],
         "node": {"id": "sidecar~127.0.0.1~grpc-java.default~default.svc.cluster.local",
                  "metadata": {"GENERATOR": "grpc", "NAMESPACE": "default"}}}
        """.formatted(xdsPort));
  }

  @AfterEach
  void stop() throws InterruptedException {
    System.clearProperty("io.grpc.xds.bootstrapConfig");
    istiod.close();
    for (Server p : pods) {
      p.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void grpcJavasXdsClientAndMeshFourJAgreeOnClustersAndEndpoints() throws Exception {
    List<GrpcGen.Svc> services = List.of(new GrpcGen.Svc("reviews", "default", 9080, reviews));
    istiod.push(new GrpcGen(BookinfoPods.config(List.of("bookinfo/destination-rule-all.yaml",
        "bookinfo/virtual-service-reviews-test-v2.yaml")), services, "default", Map.of()).generate());

    ManagedChannel grpc = Grpc.newChannelBuilder("xds:///" + TARGET, InsecureChannelCredentials.create()).build();
    try (Mesh mesh = Mesh.builder().namespace("default")
        .source(IstiodSource.builder("127.0.0.1:" + xdsPort).plaintext().build()).build()) {
      for (String user : new String[] {"jason", "someone"}) {
        Set<String> reached = new TreeSet<>();
        for (int i = 0; i < 12; i++) {
          reached.add(call(grpc, user));
        }
        Explanation e = mesh.explain(MeshRequest.builder("http://reviews:9080/").header("end-user", user).build());
        Set<String> meshEndpoints = new TreeSet<>();
        for (Explanation.EndpointView ep : e.endpoints()) {
          meshEndpoints.add(podAt(ep.address()));
        }
        assertThat(meshEndpoints).as("as %s: the pods of %s", user, e.cluster()).isEqualTo(reached);
      }
      // Both asked for the clusters the reviews routes name (mesh4j asks for every host's; here only reviews).
      assertThat(subscribed("grpc-java", CDS)).isEqualTo(Set.of("outbound|9080|v1|reviews.default.svc.cluster.local",
          "outbound|9080|v2|reviews.default.svc.cluster.local"));
      assertThat(subscribed("mesh4j", CDS)).isEqualTo(subscribed("grpc-java", CDS));
      assertThat(subscribed("mesh4j", EDS)).isEqualTo(subscribed("grpc-java", EDS));
      assertThat(istiod.nacks()).as("neither client rejected anything").isEmpty();
    } finally {
      grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** The last resource names a client (by node id) subscribed to for a type. */
  Set<String> subscribed(String who, String type) {
    // The node is sent on the first request of a stream only: follow each stream by its first request.
    List<DiscoveryRequest> all = istiod.requests();
    String lastNode = null;
    List<String> last = null;
    for (DiscoveryRequest r : all) {
      if (r.hasNode()) {
        lastNode = r.getNode().getId();
      }
      if (r.getTypeUrl().equals(type) && lastNode != null && lastNode.contains(who)) {
        last = r.getResourceNamesList();
      }
    }
    return last == null ? Set.of() : new TreeSet<>(last);
  }

  String podAt(String address) {
    for (GrpcGen.Pod p : reviews) {
      if (address.endsWith(":" + p.port())) {
        return p.name();
      }
    }
    return address;
  }

  static String call(Channel channel, String user) {
    Metadata headers = new Metadata();
    headers.put(USER, user);
    AtomicReference<String> pod = new AtomicReference<>();
    HealthGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers), capture(pod))
        // The first call waits for grpc-java's xDS resolver, which took over 10 s once on a loaded
        // build machine.
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
    return pod.get();
  }

  static ServerInterceptor named(String name) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        return next.startCall(new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata h) {
            h.put(POD, name);
            super.sendHeaders(h);
          }
        }, headers);
      }
    };
  }

  static ClientInterceptor capture(AtomicReference<String> pod) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onHeaders(Metadata h) {
                pod.set(h.get(POD));
                super.onHeaders(h);
              }
            }, headers);
          }
        };
      }
    };
  }
}
