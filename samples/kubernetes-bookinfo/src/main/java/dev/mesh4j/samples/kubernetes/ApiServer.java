package dev.mesh4j.samples.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes API server in the demo's process: fabric8's server in CRUD mode (it stores what
 * clients write and sends watch events over WebSockets) on 127.0.0.1, with Istio's networking CRDs
 * installed. The application reaches it through a {@link Network} that the demo can cut and
 * restore: for the application, the API server goes away and comes back on the same address with
 * what it stored, as across a restart.
 */
final class ApiServer implements AutoCloseable {
  /** The server logs every request; the demo shows what matters itself. Held: JUL keeps loggers weakly. */
  private static final java.util.logging.Logger SERVER_LOG = quiet(java.util.logging.Logger.getLogger("io.fabric8.mockwebserver"));

  private static java.util.logging.Logger quiet(java.util.logging.Logger logger) {
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  private final KubernetesMockServer server;
  private final Network network;
  private final KubernetesClient kubectl;

  ApiServer() {
    server = start(0);
    network = new Network(server.getPort());
    kubectl = server.createClient();
    for (Map.Entry<String, String> kind : Map.of("VirtualService", "virtualservices", "DestinationRule",
        "destinationrules", "ServiceEntry", "serviceentries", "WorkloadEntry", "workloadentries", "Sidecar", "sidecars",
        "Gateway", "gateways").entrySet()) {
      kubectl.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
          .withNewMetadata().withName(kind.getValue() + ".networking.istio.io").endMetadata()
          .withNewSpec().withGroup("networking.istio.io").withScope("Namespaced")
          .withNewNames().withKind(kind.getKey()).withPlural(kind.getValue()).endNames()
          .addNewVersion().withName("v1").withServed(true).withStorage(true)
          .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
          .endOpenAPIV3Schema().endSchema().endVersion().endSpec().build()).create();
    }
  }

  private KubernetesMockServer start(int port) {
    KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    try {
      s.init(InetAddress.getByName("127.0.0.1"), port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return s;
  }

  String url() {
    return "http://127.0.0.1:" + network.port();
  }

  /** The demo's kubectl. */
  KubernetesClient kubectl() {
    return kubectl;
  }

  /** A client for the application's mesh, through the network. */
  KubernetesClient newClient() {
    return server.createClient(b -> b.withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
        .withMasterUrl(url()).withNamespace("default").build()));
  }

  /** {@code kubectl apply -f} a manifest of the demo's resources. */
  void apply(String file) {
    try (InputStream in = ApiServer.class.getResourceAsStream("/kubernetes-bookinfo/" + file)) {
      for (HasMetadata item : kubectl.load(in).items()) {
        put(item);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code kubectl apply} of one object. */
  <T extends HasMetadata> T put(T item) {
    if (item.getMetadata().getNamespace() == null) {
      item.getMetadata().setNamespace("default");
    }
    return kubectl.resource(item).createOr(NonDeletingOperation::update);
  }

  /** The API server goes away for the application: its connections and watches drop. */
  void stop() {
    network.stop();
  }

  /** The API server is back, with what it stored. */
  void restart() {
    network.start();
  }

  /** Cuts the network first: the server waits for every watch to close when it shuts down. */
  @Override
  public void close() {
    network.close();
    server.destroy();
    kubectl.close();
  }
}
