package dev.mesh4j.istiod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.istiod.testing.BookinfoPods;
import dev.mesh4j.istiod.testing.GrpcGen;
import dev.mesh4j.istiod.testing.TestCa;
import dev.mesh4j.istiod.testing.TestIstiod;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workload with neither sidecar nor agent: configuration from istiod's xDS and its identity from
 * istiod's CA ({@link IstiodSource#identity()}), on one in-process istiod that serves both (as
 * istiod serves both on port 15012). The workload it calls is a real TLS server standing in for a
 * pod behind a {@code STRICT} sidecar: it presents a certificate of the mesh's root and requires a
 * client certificate of the same root, answering with the serial of the one it saw. istiod's
 * clusters say {@code ISTIO_MUTUAL}.
 *
 * <p>The rotation schedule runs on a fake scheduler the test advances; certificates are issued at
 * the real time, since the TLS handshakes check their validity at the real time.
 */
class IstiodIdentityIntegrationTest {
  static final String PRODUCTPAGE = "spiffe://cluster.local/ns/default/sa/productpage";
  static final String ISTIO_MUTUAL = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: default}
      spec:
        host: reviews
        trafficPolicy:
          tls: {mode: ISTIO_MUTUAL}
      """;

  @TempDir Path dir;
  final FakeClock scheduler = new FakeClock();
  TestCa ca;
  TestIstiod istiod;
  ManagedChannel channel;
  MockWebServer reviews;
  Path token;
  Path rootPem;

  @BeforeEach
  void setUp() throws Exception {
    ca = new TestCa(Clock.systemUTC()).allow("token-1", "default", "productpage");
    istiod = TestIstiod.start(List.of(ca.service()));
    channel = istiod.channel();
    token = dir.resolve("istio-token");
    Files.writeString(token, "token-1\n");
    rootPem = dir.resolve("root-cert.pem");
    Files.writeString(rootPem, TestCa.pem(ca.root));

    // reviews behind a STRICT sidecar: its certificate from the mesh's root, client certificates required.
    KeyPair keys = TestCa.ecKeys();
    X509Certificate cert = ca.issue(keys.getPublic(), "spiffe://cluster.local/ns/default/sa/bookinfo-reviews",
        Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(2)));
    reviews = new MockWebServer();
    reviews.useHttps(tls(List.of(cert), keys, ca.root).getSocketFactory());
    reviews.requireClientAuth();
    reviews.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        X509Certificate client = (X509Certificate) request.getHandshake().peerCertificates().get(0);
        return new MockResponse.Builder().addHeader("x-backend", "reviews-v1")
            .body("client_serial=" + client.getSerialNumber().toString(16) + " client="
                + WorkloadIdentity.spiffeId(client))
            .build();
      }
    });
    reviews.start();
    GrpcGen.Svc svc = new GrpcGen.Svc("reviews", "default", BookinfoPods.PORT, List.of(new GrpcGen.Pod("reviews-v1",
        "127.0.0.1", reviews.getPort(), Map.of("app", "reviews", "version", "v1"))));
    istiod.push(new GrpcGen(BookinfoPods.config(List.of(), ISTIO_MUTUAL), List.of(svc), "default",
        Map.of("app", "productpage")).generate());
  }

  @AfterEach
  void tearDown() throws Exception {
    channel.shutdownNow();
    istiod.close();
    ca.close();
    reviews.close();
  }

  IstiodSource source() {
    return IstiodSource.builder(channel).caCertificate(rootPem).token(token).random(() -> 0.5).build();
  }

  Mesh.Builder mesh(IstiodSource istiod) {
    return Mesh.builder()
        .workload(Workload.builder().namespace("default").name("productpage-v1-abc").serviceAccount("productpage")
            .clusterId("cluster-1").label("app", "productpage").build())
        .scheduler(scheduler).ticker(scheduler)
        .source(istiod).identity(istiod.identity());
  }

  /** One answer: the client certificate's serial the server saw, or what went wrong. */
  record Outcome(BigInteger serial, String failure) {}

  @Test
  void istiodsCertificateServesIstioMutualAndRotatesMidTrafficWithoutAFailedRequest() throws Exception {
    List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (Mesh mesh = mesh(source()).build()) {
      Awaitility.await("the first certificate").atMost(Duration.ofSeconds(20)).until(() -> mesh.identity() != null);
      WorkloadIdentity first = mesh.identity();
      assertThat(first.spiffeId()).isEqualTo(PRODUCTPAGE);
      assertThat(first.trustRoots()).containsExactly(ca.root);
      assertThat(ca.calls).singleElement().satisfies(c -> {
        assertThat(c.token()).isEqualTo("token-1");
        assertThat(c.clusterId()).isEqualTo("cluster-1");
        assertThat(c.csrSpiffeId()).isEqualTo(PRODUCTPAGE);
      });
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      for (int i = 0; i < 4; i++) {
        callers.execute(() -> {
          while (!stop.get()) {
            outcomes.add(call(client));
          }
        });
      }
      BigInteger firstSerial = first.certificate().getSerialNumber();
      awaitOutcomes(outcomes, o -> firstSerial.equals(o.serial()), 40);

      // Half the 24 h lifetime later (the jitter seam at its middle), a new key and certificate.
      scheduler.advance(Duration.ofHours(11));
      assertThat(mesh.identity()).as("not before half the lifetime").isSameAs(first);
      scheduler.advance(Duration.ofHours(1));
      Awaitility.await("the rotated certificate").atMost(Duration.ofSeconds(20))
          .until(() -> mesh.identity() != first);
      WorkloadIdentity second = mesh.identity();
      assertThat(second.privateKey()).isNotEqualTo(first.privateKey());
      BigInteger secondSerial = second.certificate().getSerialNumber();
      awaitOutcomes(outcomes, o -> secondSerial.equals(o.serial()), 40);
      stop.set(true);
      callers.shutdown();
      assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

      List<Outcome> all = new ArrayList<>(outcomes);
      assertThat(all).as("failed requests").filteredOn(o -> o.failure() != null).isEmpty();
      assertThat(all).extracting(Outcome::serial).containsOnly(firstSerial, secondSerial);
      assertThat(ca.calls).hasSize(2);
    } finally {
      stop.set(true);
      callers.shutdownNow();
    }
  }

  @Test
  void aRefusedRequestFailsMutualTlsClosedSayingWhyAndARetryRecovers() throws Exception {
    Files.writeString(token, "stolen");
    try (Mesh mesh = mesh(source()).build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      MeshRequest request = MeshRequest.builder("http://reviews:9080/").build();
      String reason = "istiod-ca:channel: CreateCertificate failed: UNAUTHENTICATED authenticate failure";
      Awaitility.await("the CA's refusal").atMost(Duration.ofSeconds(20))
          .until(() -> mesh.explain(request).outcome().body().contains(reason));
      Explanation e = mesh.explain(request);
      assertThat(e.outcome().status()).isEqualTo(503);
      assertThat(e.outcome().detail()).isEqualTo("fails closed: ISTIO_MUTUAL without a workload identity");
      try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/").build()).execute()) {
        assertThat(r.code()).isEqualTo(503);
        assertThat(r.header("x-mesh4j-flags")).isEqualTo("UF");
        assertThat(r.body().string()).contains(reason);
      }
      assertThat(reviews.getRequestCount()).as("nothing sent, in plain text or otherwise").isZero();

      // The token is fixed; the retry 1 s later gets a certificate.
      Files.writeString(token, "token-1");
      scheduler.advance(Duration.ofSeconds(1));
      Awaitility.await("the retried certificate").atMost(Duration.ofSeconds(20)).until(() -> mesh.identity() != null);
      assertThat(call(client).failure()).isNull();
    }
  }

  @Test
  void aCertificateThatDoesNotChainToTheMeshsRootIsNotUsed() throws Exception {
    ca.signWithAnotherRoot();
    try (Mesh mesh = mesh(source()).build()) {
      MeshRequest request = MeshRequest.builder("http://reviews:9080/").build();
      Awaitility.await("the refused chain").atMost(Duration.ofSeconds(20))
          .until(() -> mesh.explain(request).outcome().body().contains("does not verify against the mesh's root"));
      assertThat(mesh.identity()).isNull();
      assertThat(call(MeshOkHttp.newClient(mesh)).failure()).startsWith("503 ");
      assertThat(reviews.getRequestCount()).isZero();
    }
  }

  @Test
  void withoutTheMeshsRootNoCertificateIsAskedForAndRequestsFailClosed() throws Exception {
    IstiodSource source = IstiodSource.builder(channel).token(token).build();
    try (Mesh mesh = mesh(source).build()) {
      MeshRequest request = MeshRequest.builder("http://reviews:9080/").build();
      Awaitility.await().atMost(Duration.ofSeconds(20))
          .until(() -> mesh.explain(request).outcome().body().contains("no mesh root certificate"));
      assertThat(ca.calls).isEmpty();
    }
  }

  @Test
  void istiodsCaIsNotAskedInPlainText() {
    assertThatThrownBy(() -> IstiodSource.builder("istiod.istio-system.svc:15010").build().identity())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("istiod:istiod.istio-system.svc:15010: istiod's CA is served over TLS only (port 15012), and "
            + "this source connects in plain text");
  }

  private static Outcome call(OkHttpClient client) {
    try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/").build()).execute()) {
      String body = r.body().string();
      if (r.code() != 200) {
        return new Outcome(null, r.code() + " " + r.header("x-mesh4j-flags") + " " + body);
      }
      assertThat(body).endsWith(" client=" + PRODUCTPAGE);
      String hex = body.substring("client_serial=".length()).split(" ")[0];
      return new Outcome(new BigInteger(hex, 16), null);
    } catch (IOException | RuntimeException e) {
      return new Outcome(null, e.toString());
    }
  }

  /** Waits (at most 60 s, wall clock: real traffic) until {@code n} outcomes match. */
  private static void awaitOutcomes(List<Outcome> outcomes, Predicate<Outcome> which, int n) {
    Awaitility.await("at least " + n + " matching outcomes").atMost(Duration.ofSeconds(60)).until(() -> {
      synchronized (outcomes) {
        return outcomes.stream().filter(which).count() >= n;
      }
    });
  }

  private static SSLContext tls(List<X509Certificate> chain, KeyPair keys, X509Certificate root) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("me", keys.getPrivate(), new char[0], chain.toArray(Certificate[]::new));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("root", root);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
