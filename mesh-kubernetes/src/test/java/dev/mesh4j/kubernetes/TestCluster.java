package dev.mesh4j.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Kubernetes API server in-process: fabric8's mock server in CRUD mode (HTTP and WebSocket
 * watches on 127.0.0.1, storing what clients write), with Istio's CRDs installed, and helpers to
 * create Services, Pods and EndpointSlices as a cluster's controllers would. {@link #kubectl()} is
 * the client tests write through, as a user would with kubectl.
 *
 * <p>Clients from {@link #newClient()} reach the server through a TCP relay. Faults:
 * {@link #stop()}/{@link #start()} cut them off and reconnect them — every connection and watch
 * drops and new ones are refused, then the server answers again with what it stored, as across an
 * API server restart; {@link #expireWatches()} makes the next watch of each resource answer 410
 * Gone, as an API server does for a resource version it no longer has. {@link #kubectl()} talks
 * to the server directly, so the cluster can change while the clients are cut off.
 */
final class TestCluster implements AutoCloseable {
  private final KubernetesCrudDispatcher storage = new KubernetesCrudDispatcher(List.of());
  private final FaultDispatcher dispatcher = new FaultDispatcher(storage);
  private final KubernetesMockServer server;
  private final TcpProxy network;
  private final NamespacedKubernetesClient kubectl;
  private final List<KubernetesClient> clients = new ArrayList<>();

  private TestCluster() {
    server = newServer(0);
    network = new TcpProxy(server.getPort());
    kubectl = server.createClient();
  }

  /** A server without Istio's CRDs (install them later with {@link #installIstioCrds}). */
  static TestCluster withoutIstio() {
    return new TestCluster();
  }

  /** A server with Istio's CRDs, served at {@code v1}. */
  static TestCluster create(String... istioVersions) {
    TestCluster c = new TestCluster();
    c.installIstioCrds(istioVersions.length == 0 ? "v1" : istioVersions[0]);
    return c;
  }

  private KubernetesMockServer newServer(int port) {
    KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    try {
      s.init(InetAddress.getByName("127.0.0.1"), port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return s;
  }

  /** The client tests write through, as kubectl. */
  KubernetesClient kubectl() {
    return kubectl;
  }

  /** A new client for the code under test, through the relay (closed with the cluster). */
  KubernetesClient newClient() {
    // fabric8 backs off reconnecting watches up to 32 times this interval (32 s by default): after
    // a long cut on a loaded machine the informers could wait past the tests' bounds.
    KubernetesClient c = server.createClient(b -> b.withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + network.port()).withNamespace("test")
        .withWatchReconnectInterval(250).build()));
    clients.add(c);
    return c;
  }

  /** Istio's networking CRDs, storing (and so serving) {@code version}. */
  void installIstioCrds(String version) {
    Map<String, String> kinds = Map.of("VirtualService", "virtualservices", "DestinationRule", "destinationrules",
        "ServiceEntry", "serviceentries", "WorkloadEntry", "workloadentries", "Sidecar", "sidecars",
        "Gateway", "gateways");
    kinds.forEach((kind, plural) -> {
      CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
          .withNewMetadata().withName(plural + ".networking.istio.io").endMetadata()
          .withNewSpec().withGroup("networking.istio.io").withScope("Namespaced")
          .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase())
          .withListKind(kind + "List").endNames()
          .addNewVersion().withName(version).withServed(true).withStorage(true)
          .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
          .endOpenAPIV3Schema().endSchema().endVersion()
          .endSpec().build();
      kubectl.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    });
  }

  /** {@code kubectl apply -f -}: creates or replaces every document of {@code yaml}. */
  void apply(String yaml) {
    for (HasMetadata item : kubectl.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      if (item.getMetadata().getNamespace() == null) {
        item.getMetadata().setNamespace("default");
      }
      kubectl.resource(item).createOr(NonDeletingOperation::update);
    }
  }

  /** {@code kubectl delete -f -}. */
  void delete(String yaml) {
    for (HasMetadata item : kubectl.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
      if (item.getMetadata().getNamespace() == null) {
        item.getMetadata().setNamespace("default");
      }
      kubectl.resource(item).delete();
    }
  }

  /** Creates or replaces an object. */
  <T extends HasMetadata> T put(T object) {
    return kubectl.resource(object).createOr(NonDeletingOperation::update);
  }

  static Service service(String namespace, String name, int port, String portName, Object targetPort) {
    return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec().withSelector(Map.of("app", name)).withPorts(new ServicePortBuilder()
            .withName(portName).withPort(port).withProtocol("TCP")
            .withTargetPort(targetPort instanceof Integer i ? new IntOrString(i) : new IntOrString((String) targetPort))
            .build()).endSpec().build();
  }

  static Pod pod(String namespace, String name, String ip, String serviceAccount, Map<String, String> labels) {
    return new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
        .withNewSpec().withServiceAccountName(serviceAccount).withNodeName("node-1").endSpec()
        .withNewStatus().withPodIP(ip).withPhase("Running").endStatus().build();
  }

  /** An EndpointSlice of {@code service}: one port named {@code portName}, the given ready pods. */
  static EndpointSlice slice(String namespace, String name, String service, String portName, int port,
      List<SliceEndpoint> endpoints) {
    EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withLabels(Map.of("kubernetes.io/service-name", service, "endpointslice.kubernetes.io/managed-by",
            "endpointslice-controller.k8s.io")).endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName(portName).withPort(port).withProtocol("TCP").endPort();
    for (SliceEndpoint e : endpoints) {
      b.addToEndpoints(new EndpointBuilder().withAddresses(e.ip())
          .withNewConditions().withReady(e.ready()).withServing(e.ready() || e.terminating())
          .withTerminating(e.terminating()).endConditions()
          .withNodeName(e.node()).withZone(e.zone())
          .withNewTargetRef().withKind("Pod").withNamespace(namespace).withName(e.pod()).endTargetRef()
          .build());
    }
    return b.build();
  }

  /** An endpoint of a slice, on a node in a zone (default {@code node-1} in {@code zone-a}). */
  record SliceEndpoint(String pod, String ip, boolean ready, boolean terminating, String node, String zone) {
    static SliceEndpoint ready(String pod, String ip) {
      return new SliceEndpoint(pod, ip, true, false, "node-1", "zone-a");
    }

    static SliceEndpoint terminating(String pod, String ip) {
      return new SliceEndpoint(pod, ip, false, true, "node-1", "zone-a");
    }

    /** This endpoint on another node, in another zone (what the EndpointSlice controller copies from the node). */
    SliceEndpoint on(String node, String zone) {
      return new SliceEndpoint(pod, ip, ready, terminating, node, zone);
    }

    /** This endpoint not ready, as when its Pod fails its readiness probe. */
    SliceEndpoint notReady() {
      return new SliceEndpoint(pod, ip, false, false, node, zone);
    }
  }

  /** A Node with these labels. */
  static Node node(String name, Map<String, String> labels) {
    return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
  }

  /** A Node in a region and zone, labelled as cloud providers label them. */
  static Node node(String name, String region, String zone) {
    return node(name, Map.of("topology.kubernetes.io/region", region, "topology.kubernetes.io/zone", zone,
        "kubernetes.io/hostname", name));
  }

  /** From now on, requests to paths starting with {@code prefix} answer 403 Forbidden, as RBAC does. */
  void forbid(String prefix) {
    dispatcher.forbidden.add(prefix);
  }

  /** Requests answered 403 so far. */
  int forbiddenRequests() {
    return dispatcher.refused.get();
  }

  /** The API server goes away for the clients: their connections and watches drop. */
  void stop() {
    network.stop();
    dispatcher.watchesCut();
  }

  /** The API server is back, on the same address, with what it stored. */
  void start() {
    network.start();
  }

  /** The next watch request of each resource path answers 410 Gone. */
  void expireWatches() {
    dispatcher.expire();
  }

  /** Watch requests answered 410 so far. */
  int expiredWatches() {
    return dispatcher.expired.size();
  }

  /**
   * Waits until at least {@code count} watches are open, that is until the server will send them
   * what changes from now on. This server, unlike a real one, does not replay from the resource
   * version a client lists at: what changes between an informer's list and the opening of its
   * watch is never sent. Tests that change the cluster right after a source has synced wait here
   * first.
   */
  void awaitOpenWatches(int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    synchronized (dispatcher.openWatches) {
      while (dispatcher.openWatches.get() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(dispatcher.openWatches.get() + " watches open, not " + count);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(dispatcher.openWatches, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  /**
   * Cuts the relay first, so no watch is left open when the server shuts down (it waits for each
   * to close, and the JDK's HTTP client cannot answer once closed itself), then closes every
   * client, the test's own included (its idle keep-alive connections also hold the server's
   * shutdown), and only then the server.
   */
  @Override
  public void close() {
    network.close();
    clients.forEach(KubernetesClient::close);
    kubectl.close();
    server.destroy();
  }

  /** The CRUD server, with watches that can be made to expire and paths that can be forbidden. */
  private static final class FaultDispatcher extends Dispatcher {
    private final KubernetesCrudDispatcher delegate;
    private volatile boolean expire;
    final Set<String> expired = ConcurrentHashMap.newKeySet();
    /** Watches open since the relay was last cut; guarded by itself for waiting. */
    final AtomicInteger openWatches = new AtomicInteger();
    final Set<String> forbidden = ConcurrentHashMap.newKeySet();
    final AtomicInteger refused = new AtomicInteger();
    private volatile int epoch;

    FaultDispatcher(KubernetesCrudDispatcher delegate) {
      this.delegate = delegate;
    }

    /**
     * The relay dropped every client connection, so every watch is gone, though the server does
     * not always notice that a WebSocket's connection closed.
     */
    void watchesCut() {
      synchronized (openWatches) {
        epoch++;
        openWatches.set(0);
      }
    }

    void expire() {
      expired.clear();
      expire = true;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getPath();
      for (String prefix : forbidden) {
        if (path.startsWith(prefix)) {
          refused.incrementAndGet();
          String resource = prefix.substring(prefix.lastIndexOf('/') + 1);
          return new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
              + "\"status\":\"Failure\",\"message\":\"" + resource + " is forbidden: User"
              + " \\\"system:serviceaccount:test:mesh\\\" cannot list resource \\\"" + resource
              + "\\\" in API group \\\"\\\" at the cluster scope\",\"reason\":\"Forbidden\",\"code\":403}");
        }
      }
      if (expire && path.contains("watch=true")) {
        String resource = path.substring(0, path.indexOf('?'));
        if (expired.add(resource)) {
          return new MockResponse().setResponseCode(410).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
              + "\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\",\"code\":410}");
        }
      }
      MockResponse response = delegate.dispatch(request);
      WebSocketListener watch = response.getWebSocketListener();
      return watch == null ? response : response.withWebSocketUpgrade(new Counted(watch));
    }

    /** A watch's listener that counts it open once the server has opened it. */
    private final class Counted extends WebSocketListener {
      private final WebSocketListener delegate;
      private final AtomicBoolean open = new AtomicBoolean();
      private int openedIn;

      Counted(WebSocketListener delegate) {
        this.delegate = delegate;
      }

      @Override
      public void onBeforeAccept(WebSocket webSocket, Response response) {
        delegate.onBeforeAccept(webSocket, response);
      }

      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        delegate.onOpen(webSocket, response);
        if (open.compareAndSet(false, true)) {
          synchronized (openWatches) {
            openedIn = epoch;
            openWatches.incrementAndGet();
            openWatches.notifyAll();
          }
        }
      }

      @Override
      public void onMessage(WebSocket webSocket, String text) {
        delegate.onMessage(webSocket, text);
      }

      @Override
      public void onMessage(WebSocket webSocket, ByteString bytes) {
        delegate.onMessage(webSocket, bytes);
      }

      @Override
      public void onMessage(WebSocket webSocket, byte[] bytes) {
        delegate.onMessage(webSocket, bytes);
      }

      @Override
      public void onClosing(WebSocket webSocket, int code, String reason) {
        delegate.onClosing(webSocket, code, reason);
      }

      @Override
      public void onClosed(WebSocket webSocket, int code, String reason) {
        closed();
        offTheEventLoop(() -> delegate.onClosed(webSocket, code, reason));
      }

      @Override
      public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        closed();
        offTheEventLoop(() -> delegate.onFailure(webSocket, t, response));
      }

      /**
       * The server's watch waits (up to a minute) for its events still being sent when the
       * connection closes, and a send needs the event loop it would be waiting on: the whole
       * server would stop answering. Its wait runs on a thread of its own instead.
       */
      private void offTheEventLoop(Runnable close) {
        Thread t = new Thread(close, "watch-closed");
        t.setDaemon(true);
        t.start();
      }

      private void closed() {
        if (open.compareAndSet(true, false)) {
          synchronized (openWatches) {
            if (openedIn == epoch) {
              openWatches.decrementAndGet();
            }
            openWatches.notifyAll();
          }
        }
      }
    }

  }
}
