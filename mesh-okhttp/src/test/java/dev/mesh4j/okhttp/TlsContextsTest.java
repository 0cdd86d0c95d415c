package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ClientTlsSettings.TlsMode;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.MeshCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the TLS contexts of DestinationRules are rebuilt from their files, on a fake ticker. */
class TlsContextsTest {
  @TempDir Path dir;
  final FakeClock clock = new FakeClock();
  final TlsContexts contexts = new TlsContexts(clock);

  static ClientTlsSettings mutual(Path ca, Path cert, Path key) {
    return new ClientTlsSettings(TlsMode.MUTUAL, cert.toString(), key.toString(), ca.toString(), null, List.of(),
        null, null);
  }

  @Test
  void filesAreCheckedAtMostEveryIntervalAndAChangeBuildsANewContext() throws Exception {
    Path ca = new TestPki("first").writeCa(dir.resolve("ca.pem"));
    ClientTlsSettings simple = new ClientTlsSettings(TlsMode.SIMPLE, null, null, ca.toString(), null, List.of(),
        null, null);
    TlsContexts.Context first = contexts.context(simple, "web");
    new TestPki("second").writeCa(ca);
    clock.advance(TlsContexts.CHECK_INTERVAL.minus(Duration.ofMillis(1)));
    assertThat(contexts.context(simple, "web")).as("not checked yet").isSameAs(first);
    clock.advance(Duration.ofMillis(1));
    TlsContexts.Context second = contexts.context(simple, "web");
    assertThat(second).isNotSameAs(first);
    assertThat(second.socketFactory()).as("new connections, not the old pool").isNotEqualTo(first.socketFactory());
    clock.advance(TlsContexts.CHECK_INTERVAL);
    assertThat(contexts.context(simple, "web")).as("unchanged content: the same context").isSameAs(second);
  }

  @Test
  void aRewriteThatCannotBeUsedKeepsTheLastGoodContextUntilAGoodOneComes() throws Exception {
    TestPki pki = new TestPki("clients");
    HeldCertificate one = pki.issue("one");
    HeldCertificate two = pki.issue("two");
    Path ca = pki.writeCa(dir.resolve("ca.pem"));
    Path cert = Files.writeString(dir.resolve("cert.pem"), one.certificatePem());
    Path key = Files.writeString(dir.resolve("key.pem"), one.privateKeyPkcs8Pem());
    ClientTlsSettings settings = mutual(ca, cert, key);
    TlsContexts.Context good = contexts.context(settings, null);

    // A rotation caught half way: the new certificate, the old key.
    Files.writeString(cert, two.certificatePem());
    clock.advance(TlsContexts.CHECK_INTERVAL);
    assertThat(contexts.context(settings, null)).isSameAs(good);
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\ntruncated");
    clock.advance(TlsContexts.CHECK_INTERVAL);
    assertThat(contexts.context(settings, null)).isSameAs(good);
    Files.delete(ca);
    clock.advance(TlsContexts.CHECK_INTERVAL);
    assertThat(contexts.context(settings, null)).isSameAs(good);

    pki.writeCa(ca);
    Files.writeString(key, two.privateKeyPkcs8Pem());
    clock.advance(TlsContexts.CHECK_INTERVAL);
    assertThat(contexts.context(settings, null)).as("the rotation completed").isNotSameAs(good);
  }

  @Test
  void withoutAnyGoodMaterialRequestsFailNamingTheFileUntilItAppears() throws Exception {
    Path ca = dir.resolve("missing-ca.pem");
    ClientTlsSettings simple = new ClientTlsSettings(TlsMode.SIMPLE, null, null, ca.toString(), null, List.of(),
        null, null);
    assertThatThrownBy(() -> contexts.context(simple, "web")).isInstanceOf(SSLException.class)
        .hasMessageContaining("missing-ca.pem");
    new TestPki("late").writeCa(ca);
    assertThatThrownBy(() -> contexts.context(simple, "web")).as("checked at most every interval")
        .isInstanceOf(SSLException.class);
    clock.advance(TlsContexts.CHECK_INTERVAL);
    assertThat(contexts.context(simple, "web")).isNotNull();
  }

  @Test
  void serverNamesShareTheSettingsContextAndAreBoundedNotOneContextEachForever() throws Exception {
    // A wildcard DestinationRule with TLS and no sni: each request host is a server name.
    Path ca = new TestPki("wild").writeCa(dir.resolve("ca.pem"));
    ClientTlsSettings simple = new ClientTlsSettings(TlsMode.SIMPLE, null, null, ca.toString(), null, List.of(),
        null, null);
    TlsContexts.Context a = contexts.context(simple, "a.shop.test");
    assertThat(contexts.context(simple, "a.shop.test")).as("one object per name: pooled connections")
        .isSameAs(a);
    // The files are read once per setting, not per name: a name first seen after the CA file
    // is gone still gets the context loaded before (until the next check finds the change).
    Files.delete(ca);
    TlsContexts.Context b = contexts.context(simple, "b.shop.test");
    assertThat(b).isNotSameAs(a);
    assertThat(b.trustManager()).as("the same context underneath").isSameAs(a.trustManager());
    for (int i = 0; i < 1_500; i++) {  // more than TlsOrigination.MAX_SERVER_NAMES
      assertThat(contexts.context(simple, "host-" + i + ".shop.test").trustManager()).isSameAs(a.trustManager());
    }
  }

  static ClientTlsSettings istioMutual(String service) {
    return ClientTlsSettings.builder().mode(TlsMode.ISTIO_MUTUAL).sni(service + ".default.svc.cluster.local")
        .subjectAltNames("spiffe://cluster.local/ns/default/sa/" + service).build();
  }

  @Test
  void istioContextsArePerNamesAndSniAndARotatedIdentityGetsNewOnes() throws Exception {
    MeshCa ca = MeshCa.create("cluster.local");
    WorkloadIdentity first = ca.issue("spiffe://cluster.local/ns/default/sa/productpage").identity();
    ClientTlsSettings reviews = istioMutual("reviews");
    TlsContexts.Context c = contexts.istio(reviews, reviews.sni(), first);
    assertThat(contexts.istio(istioMutual("reviews"), "reviews.default.svc.cluster.local", first))
        .as("equal settings of a new snapshot: the same context, the same pooled connections").isSameAs(c);
    assertThat(contexts.istio(istioMutual("ratings"), "ratings.default.svc.cluster.local", first)).isNotSameAs(c);
    assertThat(contexts.istio(reviews, "other.default.svc.cluster.local", first)).isNotSameAs(c);

    WorkloadIdentity rotated = ca.issue("spiffe://cluster.local/ns/default/sa/productpage").identity();
    TlsContexts.Context next = contexts.istio(reviews, reviews.sni(), rotated);
    assertThat(next).as("the new certificate on new connections").isNotSameAs(c);
    assertThat(next.socketFactory()).isNotEqualTo(c.socketFactory());
    assertThat(contexts.istio(reviews, reviews.sni(), rotated)).isSameAs(next);
  }

  @Test
  void findingTheIstioContextOfAnAttemptAllocatesNothing() throws Exception {
    WorkloadIdentity identity = MeshCa.create("cluster.local").issue("spiffe://cluster.local/ns/default/sa/productpage")
        .identity();
    ClientTlsSettings[] clusters = {istioMutual("reviews"), istioMutual("ratings"), istioMutual("details")};
    for (ClientTlsSettings s : clusters) {
      contexts.istio(s, s.sni(), identity);
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    int lookups = 30_000;
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < lookups; i++) {
      ClientTlsSettings s = clusters[i % clusters.length];
      contexts.istio(s, s.sni(), identity);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    // A key object per lookup would be >= 24 B each (720 KB); what is left is the measurement's own.
    assertThat(allocated).as("bytes allocated by %s lookups", lookups).isLessThan(lookups);
  }
}
