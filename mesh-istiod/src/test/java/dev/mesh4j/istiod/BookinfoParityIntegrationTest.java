package dev.mesh4j.istiod;

import dev.mesh4j.istiod.testing.BookinfoPods;
import dev.mesh4j.istiod.testing.GrpcGen;
import dev.mesh4j.istiod.testing.TestIstiod;
import dev.mesh4j.istiod.testing.ReseedableRandom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.testing.FakeSleeper;
import dev.mesh4j.core.testing.TestSource;
import dev.mesh4j.okhttp.MeshOkHttp;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Istio's bookinfo traffic tasks, twice: a mesh that reads the task's manifests from files, and a
 * mesh fed by an {@link IstiodSource} reading what istiod's gRPC generator makes of the same
 * manifests ({@link GrpcGen}, derived from Istio's {@code grpcgen} source) from an in-process ADS
 * server. Over real HTTP to the same loopback pods, with the same seeded random source, every
 * request must get the same answer from the same pod — and a fault delay the same sleep — when the
 * istiod source fills in from the same DestinationRules what the gRPC generator drops (the load
 * balancer: it writes none for round robin, UNSPECIFIED and RANDOM alike). Without them every
 * request still reaches the same service, subset and status; only the balancing within a cluster
 * of several pods is round robin, as istiod tells a proxyless client.
 */
class BookinfoParityIntegrationTest {
  static BookinfoPods pods;
  static TestIstiod istiod;

  @BeforeAll
  static void start() {
    pods = new BookinfoPods();
    istiod = TestIstiod.start();
  }

  @AfterAll
  static void stop() {
    istiod.close();
    pods.close();
  }

  /** The task's manifests; every case is applied on top of destination-rule-all.yaml unless it names its own. */
  static Stream<Arguments> tasks() {
    String all = "bookinfo/destination-rule-all.yaml";
    return Stream.of(
        Arguments.of(List.of(all, "bookinfo/virtual-service-all-v1.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-reviews-test-v2.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-reviews-jason-v2-v3.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-reviews-80-20.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-reviews-90-10.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-reviews-50-v3.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-reviews-v2-v3.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-reviews-v3.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-ratings-test-delay.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-ratings-test-abort.yaml")),
        Arguments.of(List.of(all, "bookinfo/fault-injection-details-v1.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-details-v2.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-ratings-db.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-ratings-mysql.yaml")),
        Arguments.of(List.of(all, "bookinfo/virtual-service-ratings-mysql-vm.yaml")),
        Arguments.of(List.of("bookinfo/destination-rule-reviews.yaml", "bookinfo/virtual-service-reviews-v3.yaml")),
        Arguments.of(List.of("bookinfo/destination-rule-all-mtls.yaml", "bookinfo/virtual-service-all-v1.yaml")),
        Arguments.of(List.of(all, "bookinfo/bookinfo-gateway.yaml")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tasks")
  void routesExactlyAsTheSameYamlLoadedFromFiles(List<String> files) throws IOException {
    parity(files, true);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tasks")
  void withoutTheDestinationRulesRoutesToTheSameClusters(List<String> files) throws IOException {
    parity(files, false);
  }

  private void parity(List<String> files, boolean merge) throws IOException {
    istiod.push(new GrpcGen(BookinfoPods.config(files), pods.services, "default", Map.of("app", "productpage"))
        .generate());
    ReseedableRandom fileRandom = new ReseedableRandom(7);
    ReseedableRandom xdsRandom = new ReseedableRandom(7);
    FakeSleeper fileSleeper = new FakeSleeper();
    FakeSleeper xdsSleeper = new FakeSleeper();
    Mesh.Builder fromFiles = Mesh.builder().namespace("default").workloadLabel("app", "productpage")
        .registry(pods.registry).random(fileRandom).sleeper(fileSleeper);
    files.forEach(f -> fromFiles.configYaml(f, BookinfoPods.corpus(f)));
    var channel = istiod.channel();
    try (Mesh files2 = fromFiles.build();
        Mesh xds = Mesh.builder().namespace("default").workloadLabel("app", "productpage")
            .random(xdsRandom).sleeper(xdsSleeper)
            .source(istiodSource(channel, files, merge)).build()) {
      OkHttpClient viaFiles = MeshOkHttp.newClient(files2);
      OkHttpClient viaXds = MeshOkHttp.newClient(xds);
      for (String app : BookinfoPods.VERSIONS.keySet()) {
        for (String user : new String[] {null, "jason", "someone"}) {
          fileRandom.reseed(app.hashCode() + String.valueOf(user).hashCode());
          xdsRandom.reseed(app.hashCode() + String.valueOf(user).hashCode());
          List<String> a = new ArrayList<>();
          List<String> b = new ArrayList<>();
          for (int i = 0; i < 24; i++) {
            a.add(call(viaFiles, app, user));
            b.add(call(viaXds, app, user));
          }
          if (merge) {
            assertThat(b).as("%s as %s: %s", app, user, files).isEqualTo(a);
          } else {
            assertThat(new java.util.TreeSet<>(b)).as("%s as %s: %s", app, user, files)
                .isEqualTo(new java.util.TreeSet<>(a));
          }
          assertThat(xdsSleeper.slept()).as("fault delays of %s as %s", app, user).isEqualTo(fileSleeper.slept());
        }
      }
    } finally {
      channel.shutdownNow();
    }
  }

  private static IstiodSource istiodSource(io.grpc.Channel channel, List<String> files, boolean merge) {
    IstiodSource.Builder b = IstiodSource.builder(channel).initialSyncTimeout(Duration.ofSeconds(20));
    if (merge) {
      SourceUpdate.Builder update = SourceUpdate.replaceAll();
      files.forEach(f -> update.yaml(f, BookinfoPods.corpus(f)));
      b.destinationRulesFrom(TestSource.wholeSet("files", update.build()));
    }
    return b.build();
  }

  /** {@code 200 reviews-v2}, or the local reply: {@code 503 UF} and its body. */
  private static String call(OkHttpClient client, String app, String user) throws IOException {
    Request.Builder r = new Request.Builder().url("http://" + app + ":9080/" + app + "/0");
    if (user != null) {
      r.header("end-user", user);
    }
    try (Response response = client.newCall(r.build()).execute()) {
      String backend = response.header("x-backend");
      String body = response.body().string();
      return response.code() + " " + (backend != null ? backend
          : response.header("x-mesh4j-flags", "") + " " + body);
    }
  }
}
