package dev.mesh4j.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.MeshCa;
import dev.mesh4j.core.tls.IdentityFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workload certificate rotates under traffic, as Istio's agent rotates it: the files are
 * rewritten (the key first, then the certificate), the mesh reads them at its next check (on its
 * scheduler, here a fake clock the test advances), and new connections present the new
 * certificate while requests in flight finish on theirs. Not one request fails — not in the
 * moment between the two writes either, when the files do not make an identity.
 */
class IdentityRotationIntegrationTest {
  static final String REVIEWS = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";
  static final String PRODUCTPAGE = "spiffe://cluster.local/ns/default/sa/bookinfo-productpage";

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("cluster.local");
  final FakeClock clock = new FakeClock();

  /** One answer: the client serial the server saw, or what went wrong. */
  record Outcome(BigInteger serial, String failure) {}

  @Test
  void theCertificateRotatesMidTrafficWithoutAFailedRequest() throws Exception {
    Path certs = dir.resolve("certs");
    MeshCa.Issued first = ca.issue(PRODUCTPAGE);
    ca.write(certs, first);
    List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (StrictSidecar sidecar = StrictSidecar.builder(dir.resolve("sidecar"), ca, ca.issue(REVIEWS))
            .strict("reviews", "istio-http/1.1,http/1.1").start();
        Mesh mesh = Mesh.builder()
            .registry(new ServiceRegistry().register("reviews", 9080, Endpoint.of("127.0.0.1", sidecar.port("reviews"))
                .withLabel("security.istio.io/tlsMode", "istio").withPrincipal(REVIEWS)))
            .identity(IdentityFiles.directory(certs))
            .scheduler(clock).ticker(clock)
            .build()) {
      OkHttpClient client = MeshOkHttp.newClient(mesh);
      for (int i = 0; i < 4; i++) {
        callers.execute(() -> {
          while (!stop.get()) {
            outcomes.add(call(client));
          }
        });
      }
      awaitOutcomes(outcomes, o -> first.certificate().getSerialNumber().equals(o.serial()), 40);

      // The agent writes the new key, then the new certificate; a check sees the files in between.
      MeshCa.Issued second = ca.issue(PRODUCTPAGE);
      Files.writeString(certs.resolve("key.pem"), second.keyPem());
      clock.advance(IdentityFiles.DEFAULT_CHECK_INTERVAL);
      assertThat(mesh.identity().certificate()).as("a key without its certificate is not used")
          .isEqualTo(first.certificate());
      int before = outcomes.size();
      awaitOutcomes(outcomes, o -> true, before + 40);

      Files.writeString(certs.resolve("cert-chain.pem"), second.chainPem());
      clock.advance(IdentityFiles.DEFAULT_CHECK_INTERVAL);
      assertThat(mesh.identity().certificate()).isEqualTo(second.certificate());
      awaitOutcomes(outcomes, o -> second.certificate().getSerialNumber().equals(o.serial()), 40);
      stop.set(true);
      callers.shutdown();
      assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

      List<Outcome> all = new ArrayList<>(outcomes);
      assertThat(all).as("failed requests").filteredOn(o -> o.failure() != null).isEmpty();
      assertThat(all).extracting(Outcome::serial).containsOnly(first.certificate().getSerialNumber(),
          second.certificate().getSerialNumber());
      // After the swap, every new request goes on a connection that presents the new certificate.
      assertThat(outcomes(client, 20)).extracting(Outcome::serial)
          .containsOnly(second.certificate().getSerialNumber());
    } finally {
      stop.set(true);
      callers.shutdownNow();
    }
  }

  private static List<Outcome> outcomes(OkHttpClient client, int n) {
    List<Outcome> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(call(client));
    }
    return out;
  }

  private static Outcome call(OkHttpClient client) {
    try (Response r = client.newCall(new Request.Builder().url("http://reviews:9080/").build()).execute()) {
      String body = r.body().string();
      if (r.code() != 200) {
        return new Outcome(null, r.code() + " " + body);
      }
      int at = body.indexOf("client_serial=");
      String hex = body.substring(at + "client_serial=".length()).split(" ")[0];
      return new Outcome(new BigInteger(hex, 16), null);
    } catch (IOException | RuntimeException e) {
      return new Outcome(null, e.toString());
    }
  }

  /** Waits (at most 60 s, wall clock: real traffic) until {@code n} outcomes match. */
  private static void awaitOutcomes(List<Outcome> outcomes, Predicate<Outcome> which, int n) {
    org.awaitility.Awaitility.await("at least " + n + " matching outcomes").atMost(Duration.ofSeconds(60))
        .until(() -> {
          synchronized (outcomes) {
            return outcomes.stream().filter(which).count() >= n;
          }
        });
  }
}
