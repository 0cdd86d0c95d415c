package dev.mesh4j.samples.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
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
 * installed. It can be stopped and started again on the same port with what it stored, as an API
 * server restarts with etcd.
 */
final class ApiServer implements AutoCloseable {
  /** The server logs every request; the demo shows what matters itself. Held: JUL keeps loggers weakly. */
  private static final java.util.logging.Logger SERVER_LOG = quiet(java.util.logging.Logger.getLogger("io.fabric8.mockwebserver"));

  private static java.util.logging.Logger quiet(java.util.logging.Logger logger) {
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  private final Storage storage = new Storage(new KubernetesCrudDispatcher(List.of()));
  private KubernetesMockServer server;
  private final int port;
  private final KubernetesClient kubectl;

  ApiServer() {
    server = start(0);
    port = server.getPort();
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
    KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), storage, false);
    try {
      s.init(InetAddress.getByName("127.0.0.1"), port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return s;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The demo's kubectl. */
  KubernetesClient kubectl() {
    return kubectl;
  }

  /** A client for the application's mesh. */
  KubernetesClient newClient() {
    return server.createClient();
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

  void stop() {
    server.destroy();
  }

  void restart() {
    server = start(port);
  }

  /** Stops the server first: it waits for every watch to close, which needs the clients still open. */
  @Override
  public void close() {
    server.destroy();
    kubectl.close();
  }

  /** What the server stores; it outlives a restart, as etcd does. */
  private static final class Storage extends Dispatcher {
    private final KubernetesCrudDispatcher crud;

    Storage(KubernetesCrudDispatcher crud) {
      this.crud = crud;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      return crud.dispatch(request);
    }

    @Override
    public void shutdown() {
      // kept across restarts
    }
  }
}
