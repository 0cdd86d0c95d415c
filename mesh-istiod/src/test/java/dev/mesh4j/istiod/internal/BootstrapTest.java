package dev.mesh4j.istiod.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The bootstrap file Istio's agent writes for proxyless gRPC (GRPC_XDS_BOOTSTRAP). */
class BootstrapTest {
  /** istio/istio pilot/pkg/networking/grpcgen/testdata/xds_bootstrap.json, with the agent's socket. */
  static final String AGENT = """
      {
        "xds_servers": [
          {"server_uri": "unix:///etc/istio/proxy/XDS", "channel_creds": [{"type": "insecure"}],
           "server_features": ["xds_v3"]}
        ],
        "node": {
          "id": "sidecar~127.0.1.1~echo.test~cluster.local",
          "metadata": {"INSTANCE_IPS": "127.0.1.1", "PILOT_SAN": ["istiod.istio-system.svc"], "GENERATOR": "grpc",
                       "NAMESPACE": "test", "LABELS": {"app": "echo"}},
          "localisty": {}
        },
        "certificate_providers": {"default": {"plugin_name": "file_watcher", "config": {
          "certificate_file": "/var/lib/istio/data/cert-chain.pem", "refresh_interval": "900s"}}},
        "server_listener_resource_name_template": "xds.istio.io/grpc/lds/inbound/%s"
      }
      """;

  @Test
  void readsTheServerAndTheNodeAsTheAgentWritesThem() {
    Bootstrap b = Bootstrap.parse("bootstrap.json", AGENT);
    assertThat(b.serverUri()).isEqualTo("unix:///etc/istio/proxy/XDS");
    assertThat(b.credentials()).isEqualTo("insecure");
    assertThat(b.node().getId()).isEqualTo("sidecar~127.0.1.1~echo.test~cluster.local");
    var meta = Nodes.fromBootstrap(b.node()).getMetadata().getFieldsMap();
    assertThat(meta.get("GENERATOR").getStringValue()).isEqualTo("grpc");
    assertThat(meta.get("NAMESPACE").getStringValue()).isEqualTo("test");
    assertThat(meta.get("LABELS").getStructValue().getFieldsMap().get("app").getStringValue()).isEqualTo("echo");
    assertThat(meta.get("PILOT_SAN").getListValue().getValues(0).getStringValue()).isEqualTo("istiod.istio-system.svc");
  }

  @Test
  void aNodeWithoutGeneratorAsksForTheGrpcGenerator() {
    Bootstrap b = Bootstrap.parse("b", AGENT.replace("\"GENERATOR\": \"grpc\",", ""));
    assertThat(Nodes.fromBootstrap(b.node()).getMetadata().getFieldsMap().get("GENERATOR").getStringValue())
        .isEqualTo("grpc");
  }

  @Test
  void badFilesAreNamedWithTheField() {
    assertThatThrownBy(() -> Bootstrap.parse("b.json", "{\"node\": {}}"))
        .hasMessage("xDS bootstrap b.json xds_servers: expected at least one server");
    assertThatThrownBy(() -> Bootstrap.parse("b.json", "{\"xds_servers\": [{\"server_uri\": \"x:1\", "
        + "\"channel_creds\": [{\"type\": \"google_default\"}]}]}"))
        .hasMessage("xDS bootstrap b.json xds_servers[0].channel_creds[0].type: \"google_default\" (mesh4j supports "
            + "insecure and tls)");
    assertThatThrownBy(() -> Bootstrap.parse("b.json", "not json")).hasMessageStartingWith("xDS bootstrap b.json: not JSON");
  }
}
