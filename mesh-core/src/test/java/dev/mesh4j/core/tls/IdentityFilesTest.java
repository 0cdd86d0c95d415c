package dev.mesh4j.core.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.api.spi.IdentitySource;
import dev.mesh4j.core.testing.FakeClock;
import dev.mesh4j.core.testing.MeshCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reading the identity Istio's agent writes: every key form it writes, rotation on the mesh's
 * scheduler, and what happens with files that are missing or caught mid-rotation.
 */
class IdentityFilesTest {
  static final String SPIFFE = "spiffe://cluster.local/ns/default/sa/productpage";
  final MeshCa ca = MeshCa.create("mesh");
  final FakeClock clock = new FakeClock();
  final Recording context = new Recording(clock);
  @TempDir Path dir;

  /** What a source delivered, in order. */
  static final class Recording implements IdentitySource.Context {
    final List<WorkloadIdentity> updates = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    final FakeClock clock;

    Recording(FakeClock clock) {
      this.clock = clock;
    }

    @Override
    public synchronized void update(WorkloadIdentity identity) {
      updates.add(identity);
    }

    @Override
    public synchronized void unavailable(String reason) {
      problems.add(reason);
    }

    @Override
    public Workload workload() {
      return Workload.defaults();
    }

    @Override
    public Scheduler scheduler() {
      return clock;
    }

    @Override
    public Ticker ticker() {
      return clock;
    }

    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }
  }

  @ParameterizedTest
  @EnumSource(MeshCa.KeyForm.class)
  void readsTheKeyFormsIstiosAgentWrites(MeshCa.KeyForm form) {
    MeshCa.Issued issued = ca.issue(SPIFFE, form, Instant.now().minusSeconds(60), Duration.ofHours(24));
    ca.write(dir, issued);
    assertThat(issued.keyPem()).startsWith(switch (form) {
      case PKCS1_RSA -> "-----BEGIN RSA PRIVATE KEY-----";
      case SEC1_EC -> "-----BEGIN EC PRIVATE KEY-----";
      case PKCS8_RSA, PKCS8_EC -> "-----BEGIN PRIVATE KEY-----";
    });
    IdentityFiles files = IdentityFiles.directory(dir);
    files.start(context);
    assertThat(context.problems).isEmpty();
    assertThat(context.updates).hasSize(1);
    WorkloadIdentity identity = context.updates.get(0);
    assertThat(identity.spiffeId()).isEqualTo(SPIFFE);
    assertThat(identity.certificate()).isEqualTo(issued.certificate());
    // (WorkloadIdentity.of has checked that the key signs what the certificate's public key verifies.)
    assertThat(identity.privateKey().getAlgorithm()).isEqualTo(issued.key().getAlgorithm());
    assertThat(identity.trustRoots()).containsExactly(ca.root());
    files.close();
  }

  @Test
  void aRotatedCertificateIsDeliveredAtTheNextCheckAndAnUnchangedOneIsNot() {
    ca.write(dir, ca.issue(SPIFFE));
    IdentityFiles files = IdentityFiles.directory(dir).checkInterval(Duration.ofSeconds(5));
    files.start(context);
    clock.advance(Duration.ofSeconds(30));
    assertThat(context.updates).as("the same files, read six times: delivered once").hasSize(1);

    MeshCa.Issued next = ca.issue(SPIFFE);
    ca.write(dir, next);
    clock.advance(Duration.ofSeconds(4));
    assertThat(context.updates).as("before the next check").hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(context.updates).hasSize(2);
    assertThat(context.updates.get(1).certificate()).isEqualTo(next.certificate());
    assertThat(context.problems).isEmpty();

    files.close();
    ca.write(dir, ca.issue(SPIFFE));
    clock.advance(Duration.ofMinutes(1));
    assertThat(context.updates).as("closed: no more checks").hasSize(2);
  }

  @Test
  void filesCaughtMidRotationAreRefusedUntilTheKeyMatchesTheCertificate() throws IOException {
    MeshCa.Issued first = ca.issue(SPIFFE);
    ca.write(dir, first);
    IdentityFiles files = IdentityFiles.directory(dir);
    files.start(context);

    // The agent writes the key, then the certificate: a check between the two sees a new key and
    // the old certificate.
    MeshCa.Issued next = ca.issue(SPIFFE);
    Files.writeString(dir.resolve("key.pem"), next.keyPem());
    clock.advance(IdentityFiles.DEFAULT_CHECK_INTERVAL);
    assertThat(context.updates).hasSize(1);
    assertThat(context.problems).singleElement().asString()
        .contains(dir.resolve("key.pem").toString())
        .contains("is not the private key of the certificate in " + dir.resolve("cert-chain.pem"));
    clock.advance(IdentityFiles.DEFAULT_CHECK_INTERVAL);
    assertThat(context.problems).as("the same content is not tried (nor reported) again").hasSize(1);

    Files.writeString(dir.resolve("cert-chain.pem"), next.chainPem());
    clock.advance(IdentityFiles.DEFAULT_CHECK_INTERVAL);
    assertThat(context.updates).hasSize(2);
    assertThat(context.updates.get(1).certificate()).isEqualTo(next.certificate());
    files.close();
  }

  @Test
  void missingAndUnreadableFilesAreReportedByName() throws IOException {
    IdentityFiles files = IdentityFiles.directory(dir);
    files.start(context);
    assertThat(context.problems).singleElement().asString()
        .isEqualTo(dir.resolve("cert-chain.pem") + " does not exist");

    ca.write(dir, ca.issue(SPIFFE));
    Files.writeString(dir.resolve("root-cert.pem"), "not PEM");
    clock.advance(IdentityFiles.DEFAULT_CHECK_INTERVAL);
    assertThat(context.problems.get(1)).contains(dir.resolve("root-cert.pem").toString())
        .contains("no readable certificate");

    Files.writeString(dir.resolve("root-cert.pem"), ca.rootPem());
    Files.writeString(dir.resolve("key.pem"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
    clock.advance(IdentityFiles.DEFAULT_CHECK_INTERVAL);
    assertThat(context.problems.get(2)).isEqualTo(dir.resolve("key.pem")
        + " holds an encrypted private key, which mesh4j cannot use");
    assertThat(context.updates).isEmpty();
    files.close();
  }

  @Test
  void istioDefaultsFollowOutputCertsOrFindTheFolderThatHoldsTheFiles() {
    assertThat(IdentityFiles.istioDefaults(Map.of("OUTPUT_CERTS", "/etc/istio-certs")::get).name())
        .isEqualTo("files:/etc/istio-certs");
    IdentityFiles defaults = IdentityFiles.istioDefaults(name -> null);
    assertThat(defaults.name())
        .isEqualTo("files:/var/run/secrets/workload-spiffe-credentials or /var/lib/istio/data");
    defaults.start(context);
    assertThat(context.problems).singleElement().asString().isEqualTo(
        "none of /var/run/secrets/workload-spiffe-credentials/cert-chain.pem, /var/lib/istio/data/cert-chain.pem"
            + " exists (set OUTPUT_CERTS, or name the folder: IdentityFiles.directory(...), mesh.identity.directory)");
    defaults.close();
  }
}
