package dev.mesh4j.istiod.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.istiod.testing.TestCa;
import io.grpc.ManagedChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates from istiod's CA, against an in-process CA serving IstioCertificateService as
 * istiod does: issued for the token's identity, verified, used for mutual TLS, rotated at half
 * their lifetime, refused when they do not verify.
 */
class IstiodCertificatesTest {
  // Now: the mutual TLS handshake checks validity at the real time.
  static final Instant EPOCH = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  final FakeClock fake = new FakeClock();
  final Clock clock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return EPOCH.plusNanos(fake.nanos());
    }
  };
  final Workload workload = Workload.builder().namespace("default").serviceAccount("productpage")
      .clusterId("cluster-1").build();
  final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  final IstiodCertificates.IdentitySink sink = new IstiodCertificates.IdentitySink() {
    @Override
    public void issued(IstiodCertificates.Issued identity) {
      events.add(identity);
    }

    @Override
    public void unavailable(String reason) {
      events.add(reason);
    }
  };
  @TempDir Path dir;
  TestCa ca;
  ManagedChannel channel;
  Path token;
  IstiodCertificates certificates;

  @BeforeEach
  void setUp() throws Exception {
    ca = new TestCa(clock).allow("token-1", "default", "productpage").allow("token-2", "default", "productpage");
    channel = ca.channel();
    token = dir.resolve("istio-token");
    Files.writeString(token, "token-1\n");
  }

  @AfterEach
  void tearDown() {
    if (certificates != null) {
      certificates.close();
    }
    channel.shutdownNow();
    ca.close();
  }

  IstiodCertificates start(Duration ttl) {
    certificates = new IstiodCertificates("istiod:test", channel, new TokenCredentials(token), ca.roots(), workload,
        "cluster.local", ttl, clock, fake, () -> 0.5, sink);
    certificates.start();
    return certificates;
  }

  Object next() throws InterruptedException {
    Object e = events.poll(10, TimeUnit.SECONDS);
    assertThat(e).as("an answer of the CA").isNotNull();
    return e;
  }

  @Test
  void asksWithTheTokenAndGetsAVerifiedCertificateForTheWorkload() throws Exception {
    start(IstiodCertificates.DEFAULT_TTL);

    IstiodCertificates.Issued issued = (IstiodCertificates.Issued) next();
    assertThat(issued.spiffeId()).isEqualTo("spiffe://cluster.local/ns/default/sa/productpage");
    assertThat(issued.notAfter()).isEqualTo(EPOCH.plus(Duration.ofHours(24)));
    assertThat(issued.chain()).hasSize(1); // the root is not repeated in the chain
    assertThat(issued.roots()).containsExactly(ca.root);
    TestCa.Call call = ca.calls.get(0);
    assertThat(call.token()).isEqualTo("token-1");
    assertThat(call.clusterId()).isEqualTo("cluster-1");
    assertThat(call.validitySeconds()).isEqualTo(86_400);
    // The CSR (checked by the CA with BouncyCastle) names the workload and holds the key certified.
    assertThat(call.csrSpiffeId()).isEqualTo("spiffe://cluster.local/ns/default/sa/productpage");
    assertThat(call.csrKey().getEncoded()).isEqualTo(issued.chain().get(0).getPublicKey().getEncoded());
  }

  @Test
  void theIssuedCertificateServesMutualTlsWithAPeerOfTheMesh() throws Exception {
    start(IstiodCertificates.DEFAULT_TTL);
    IstiodCertificates.Issued issued = (IstiodCertificates.Issued) next();

    // A server of the mesh: its certificate from the same root, client certificates required.
    KeyPair serverKeys = TestCa.ecKeys();
    X509Certificate serverCert = ca.issue(serverKeys.getPublic(), "spiffe://cluster.local/ns/default/sa/reviews",
        Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofHours(1)));
    SSLContext serverTls = tls(List.of(serverCert), serverKeys.getPrivate(), ca.root);
    SSLContext clientTls = tls(issued.chain(), issued.key(), issued.roots().get(0));
    // The handshake checks validity at the real time: the issued certificate is for the fake clock's.
    try (SSLServerSocket server = (SSLServerSocket) serverTls.getServerSocketFactory().createServerSocket(0)) {
      server.setNeedClientAuth(true);
      CompletableFuture<String> peer = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) server.accept()) {
          s.startHandshake();
          X509Certificate client = (X509Certificate) s.getSession().getPeerCertificates()[0];
          OutputStream out = s.getOutputStream();
          out.write('!');
          out.flush();
          return IstiodCertificates.spiffeIdOf(client);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (SSLSocket client = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", server.getLocalPort())) {
        client.startHandshake();
        InputStream in = client.getInputStream();
        assertThat(in.read()).isEqualTo('!');
        assertThat(IstiodCertificates.spiffeIdOf((X509Certificate) client.getSession().getPeerCertificates()[0]))
            .isEqualTo("spiffe://cluster.local/ns/default/sa/reviews");
      }
      assertThat(peer.get(10, TimeUnit.SECONDS)).isEqualTo("spiffe://cluster.local/ns/default/sa/productpage");
    }
  }

  @Test
  void rotatesAtHalfTheLifetimeWithANewKeyAndTheTokenReadAgain() throws Exception {
    start(Duration.ofHours(1));
    IstiodCertificates.Issued first = (IstiodCertificates.Issued) next();
    Files.writeString(token, "token-2\n"); // the kubelet rotated the projected token

    fake.advance(Duration.ofMinutes(29));
    assertThat(events.poll(200, TimeUnit.MILLISECONDS)).as("nothing before half the lifetime").isNull();
    fake.advance(Duration.ofMinutes(1));
    IstiodCertificates.Issued second = (IstiodCertificates.Issued) next();

    assertThat(second.notAfter()).isEqualTo(EPOCH.plus(Duration.ofMinutes(90)));
    assertThat(second.key()).isNotEqualTo(first.key());
    assertThat(second.chain().get(0).getSerialNumber()).isNotEqualTo(first.chain().get(0).getSerialNumber());
    assertThat(ca.calls).extracting(TestCa.Call::token).containsExactly("token-1", "token-2");
  }

  @Test
  void aRefusedTokenIsReportedAndRetriedWithBackOff() throws Exception {
    Files.writeString(token, "stolen");
    start(IstiodCertificates.DEFAULT_TTL);

    assertThat((String) next()).isEqualTo("istiod:test: CreateCertificate failed: UNAUTHENTICATED authenticate failure");
    Files.writeString(token, "token-1");
    fake.advance(Duration.ofMillis(999));
    assertThat(events.poll(200, TimeUnit.MILLISECONDS)).as("no retry before 1 s").isNull();
    fake.advance(Duration.ofMillis(1));
    assertThat(next()).isInstanceOf(IstiodCertificates.Issued.class);
  }

  @Test
  void aChainFromAnotherRootIsRefused() throws Exception {
    ca.signWithAnotherRoot();
    start(IstiodCertificates.DEFAULT_TTL);

    assertThat((String) next()).startsWith("istiod:test: cert_chain: does not verify against the mesh's root "
        + "certificate O=cluster.local, CN=mesh4j test root: ");
  }

  @Test
  void aCertificateForAnotherIdentityIsRefused() throws Exception {
    ca.issueFor("default", "reviews");
    start(IstiodCertificates.DEFAULT_TTL);

    assertThat((String) next()).isEqualTo("istiod:test: cert_chain[0]: issued for "
        + "spiffe://cluster.local/ns/default/sa/reviews, not for ns/default/sa/productpage");
  }

  @Test
  void aRotationThatFailsKeepsTheIdentityInForceAndRetries() throws Exception {
    start(Duration.ofHours(1));
    assertThat(next()).isInstanceOf(IstiodCertificates.Issued.class);
    Files.writeString(token, "revoked");

    fake.advance(Duration.ofMinutes(30));
    assertThat((String) next()).contains("UNAUTHENTICATED");
    Files.writeString(token, "token-1");
    fake.advance(Duration.ofSeconds(1));
    IstiodCertificates.Issued renewed = (IstiodCertificates.Issued) next();
    assertThat(renewed.notAfter()).isEqualTo(EPOCH.plus(Duration.ofMinutes(30)).plusSeconds(1).plus(Duration.ofHours(1)));
  }

  private static SSLContext tls(List<X509Certificate> chain, java.security.PrivateKey key, X509Certificate root)
      throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("me", key, new char[0], chain.toArray(Certificate[]::new));
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
