package dev.mesh4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.conformance.Transport.Client;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.core.testing.RecordingExchange;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * INDEX.md, {@code external/}: ServiceEntries that make outside hosts known, checked under
 * {@code REGISTRY_ONLY}. Passthrough requests leave through an HTTP proxy on loopback, which
 * records the address the application asked for, so no test needs the internet.
 */
abstract class ExternalConformance extends Conformance {
  LoopbackBackend egress;

  @BeforeEach
  void start() {
    egress = LoopbackBackend.start("egress-proxy");
  }

  @AfterEach
  void stop() {
    egress.close();
  }

  static Mesh registryOnly(String file) {
    return Mesh.builder().configResource(Corpus.resource(file))
        .outboundTrafficPolicy(OutboundTrafficPolicy.REGISTRY_ONLY)
        .random(RandomSource.seeded(7)).dnsRefreshInterval(Duration.ZERO).build();
  }

  /** A client whose connections all go through the recording proxy. */
  Client viaProxy(Mesh mesh) {
    return client(mesh, ClientOptions.defaults().proxy(new InetSocketAddress("127.0.0.1", egress.port())));
  }

  @Test
  @Covers("external/aptget.yaml")
  void aptget_letsTheFiveHostsThroughToTheAddressAskedAndBlocksOthersWith502() throws IOException {
    try (Mesh mesh = registryOnly("external/aptget.yaml")) {
      Client client = viaProxy(mesh);
      List<String> hosts = List.of("deb.debian.org", "cdn-fastly.deb.debian.org", "security.debian.org",
          "archive.ubuntu.com", "security.ubuntu.com");
      for (String host : hosts) {
        String url = "http://" + host + "/debian/dists/stable/Release";
        Reply r = Http.get(client, url);
        assertThat(r.backend()).as(host).isEqualTo("egress-proxy");
        assertThat(egress.last().target()).as("sent as asked").isEqualTo(url);
        assertThat(egress.last().header("host")).isEqualTo(host);
      }
      int sent = egress.requestCount();
      assertThat(sent).isEqualTo(hosts.size());
      for (String other : List.of("http://example.org/", "http://ftp.debian.org/debian/", "http://deb.debian.org:8080/")) {
        Reply r = Http.get(client, other);
        assertThat(r.status()).as(other).isEqualTo(502);
        assertThat(r.body()).isEmpty();
        assertThat(r.flags()).isEmpty();
      }
      assertThat(egress.requestCount()).as("no byte of a blocked request leaves the process").isEqualTo(sent);
    }
  }

  @Test
  @Covers("external/github.yaml")
  void github_knowsGithubOverHttpsAndLoadsTheTcpEntryWithAWarning() throws IOException {
    try (Mesh mesh = registryOnly("external/github.yaml")) {
      assertThat(mesh.warnings()).as("the TCP-only entry is warned about, not refused")
          .anySatisfy(w -> assertThat(w.toString()).contains("github.yaml#2").contains("protocol tcp is neither HTTP nor TLS"));
      RecordingExchange.Result github = mesh.execute(MeshRequest.builder("https://github.com/istio/istio").build(),
          new RecordingExchange());
      assertThat(github.target()).as("known under REGISTRY_ONLY: TLS passed through").isEqualTo("passthrough");
      assertThat(github.sent().authority()).isEqualTo("github.com");
      assertThat(mesh.execute(MeshRequest.builder("https://gitlab.com/").build(), new RecordingExchange()).target())
          .isEqualTo("reply 502");
      assertThat(mesh.execute(MeshRequest.builder("http://github.com/").build(), new RecordingExchange()).target())
          .as("github.com is known on 443 only").isEqualTo("reply 502");
    }
  }

  @Test
  @Covers("external/pypi.yaml")
  void pypi_knowsThePypiHostsOnHttpsUnderRegistryOnly() throws IOException {
    try (Mesh mesh = registryOnly("external/pypi.yaml")) {
      for (String host : List.of("pypi.python.org", "pypi.org", "files.pythonhosted.org")) {
        RecordingExchange.Result r = mesh.execute(MeshRequest.builder("https://" + host + "/simple/").build(),
            new RecordingExchange());
        assertThat(r.target()).as(host).isEqualTo("passthrough");
        assertThat(r.sent().scheme()).isEqualTo("https");
      }
      assertThat(mesh.execute(MeshRequest.builder("https://test.pypi.org/simple/").build(), new RecordingExchange())
          .target()).isEqualTo("reply 502");
    }
  }
}
