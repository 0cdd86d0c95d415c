package dev.mesh4j.spring.autoconfigure.ssl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.testing.MeshCa;
import dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code mesh.identity.*} and the SSL bundle {@code mesh}: what each property does, and the failures. */
class MeshSslAutoConfigurationTests {
  static final String REVIEWS = "spiffe://cluster.local/ns/default/sa/bookinfo-reviews";

  @TempDir Path dir;
  final MeshCa ca = MeshCa.create("cluster.local");
  final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
      AutoConfigurations.of(MeshAutoConfiguration.class, MeshSslAutoConfiguration.class, SslAutoConfiguration.class));

  @Test
  void withoutAnIdentityTheMeshHasNoneAndNoBundleIsRegistered() {
    runner.run(context -> {
      assertThat(context.getBean(Mesh.class).identity()).isNull();
      assertThat(context.getBean(SslBundles.class).getBundleNames()).doesNotContain("mesh");
    });
  }

  @Test
  void theIdentityFilesMakeTheMeshsIdentityAndTheBundle() {
    MeshCa.Issued reviews = ca.issue(REVIEWS);
    ca.write(dir, reviews);
    runner.withPropertyValues("mesh.identity.enabled=true", "mesh.identity.directory=" + dir).run(context -> {
      assertThat(context.getBean(Mesh.class).identity().certificate()).isEqualTo(reviews.certificate());
      SslBundle bundle = context.getBean(SslBundles.class).getBundle("mesh");
      KeyStore keys = bundle.getStores().getKeyStore();
      assertThat(keys.getCertificate(bundle.getKey().getAlias())).isEqualTo(reviews.certificate());
      KeyStore trust = bundle.getStores().getTrustStore();
      assertThat((X509Certificate) trust.getCertificate(trust.aliases().nextElement())).isEqualTo(ca.root());
    });
  }

  @Test
  void theThreeFilesCanBeNamedOneByOne() {
    MeshCa.Issued reviews = ca.issue(REVIEWS);
    ca.write(dir, reviews);
    runner.withPropertyValues("mesh.identity.enabled=true", "mesh.identity.cert-chain=" + dir.resolve("cert-chain.pem"),
        "mesh.identity.private-key=" + dir.resolve("key.pem"), "mesh.identity.root-cert=" + dir.resolve("root-cert.pem"))
        .run(context -> assertThat(context.getBean(Mesh.class).identity().spiffeId()).isEqualTo(REVIEWS));
  }

  @Test
  void oneFileWithoutTheOthersIsAnError() {
    runner.withPropertyValues("mesh.identity.enabled=true", "mesh.identity.cert-chain=" + dir.resolve("c.pem"))
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("mesh.identity: cert-chain, private-key and root-cert go together"));
  }

  @Test
  void servingTheBundleWithoutAnIdentityFailsStartupSayingWhy() {
    runner.withPropertyValues("mesh.identity.enabled=true", "mesh.identity.directory=" + dir.resolve("missing"),
        "server.ssl.bundle=mesh").run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("server.ssl.bundle=mesh: the mesh has no workload identity"));
  }
}
