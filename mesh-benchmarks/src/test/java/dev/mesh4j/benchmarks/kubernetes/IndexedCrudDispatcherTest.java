package dev.mesh4j.benchmarks.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The indexed API server answers every request as fabric8's own does: the same script of creates,
 * conflicting creates, gets, updates (with and without a resource version), patches, deletes and
 * lists, run against both, gets the same answers (status codes, objects, resource versions, lists'
 * resource versions), and watches opened on both see the same events, including the ADDED events a
 * watch opened on a full store begins with.
 */
class IndexedCrudDispatcherTest {

  @Test
  void answersAsFabric8sOwnDispatcherDoes() throws Exception {
    Transcript plain = run(() -> new KubernetesCrudDispatcher(List.of()));
    Transcript indexed = run(IndexedCrudDispatcher::new);

    assertThat(indexed.answers).isEqualTo(plain.answers);
    assertThat(indexed.events).isEqualTo(plain.events);
    assertThat(indexed.replay).isEqualTo(plain.replay);
    // The script did what it is meant to: conflicts, misses and events are in it.
    assertThat(plain.answers).anyMatch(a -> a.contains("409")).anyMatch(a -> a.endsWith("-> null"));
    assertThat(plain.events).hasSize(8).last().asString().startsWith("ADDED").contains("\"end\"");
    assertThat(plain.replay).hasSize(3).last().asString().contains("\"end-a\"");
  }

  @Test
  void writesOtherThanRequestsAreRefused() {
    IndexedCrudDispatcher api = new IndexedCrudDispatcher();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.handleCreate("/api/v1/namespaces/a/pods", "{}"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private record Transcript(List<String> answers, List<String> events, List<String> replay) {}

  private static Transcript run(Supplier<Dispatcher> dispatcher) throws Exception {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        dispatcher.get(), false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    KubernetesClient client = server.createClient();
    List<String> answers = new ArrayList<>();
    List<String> events = new CopyOnWriteArrayList<>();
    List<String> replay = new CopyOnWriteArrayList<>();
    try {
      Watch all = client.pods().inAnyNamespace().watch(recorder(events));
      script(client, answers);
      // A watch delivers in order: once the last write's event is in, all are.
      client.resource(pod("z", "end", "end")).create();
      await().atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(e -> e.contains("\"end\"")));
      List<String> seen = List.copyOf(events);
      // A watch opened now begins with what is stored: ADDED for each Pod in the namespace.
      Watch late = client.pods().inNamespace("a").watch(recorder(replay));
      client.resource(pod("a", "end-a", "end")).create();
      await().atMost(Duration.ofSeconds(20)).until(() -> replay.stream().anyMatch(e -> e.contains("\"end-a\"")));
      all.close();
      late.close();
      return new Transcript(answers, seen, List.copyOf(replay));
    } finally {
      server.destroy();
      client.close();
    }
  }

  private static void script(KubernetesClient c, List<String> answers) {
    c.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("virtualservices.networking.istio.io").endMetadata()
        .withNewSpec().withGroup("networking.istio.io").withScope("Namespaced")
        .withNewNames().withKind("VirtualService").withPlural("virtualservices").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion().endSpec().build()).create();
    answer(answers, "create a/p1", () -> c.resource(pod("a", "p1", "x")).create());
    answer(answers, "create b/p1", () -> c.resource(pod("b", "p1", "x")).create());
    answer(answers, "create a/p2", () -> c.resource(pod("a", "p2", "y")).create());
    answer(answers, "create service a/p1", () -> c.resource(new ServiceBuilder().withNewMetadata()
        .withNamespace("a").withName("p1").endMetadata().withNewSpec().addNewPort().withPort(80).endPort().endSpec()
        .build()).create());
    answer(answers, "create a/p1 again", () -> c.resource(pod("a", "p1", "z")).create());
    answer(answers, "get a/p1", () -> c.pods().inNamespace("a").withName("p1").get());
    answer(answers, "get b/p1", () -> c.pods().inNamespace("b").withName("p1").get());
    answer(answers, "get a/missing", () -> c.pods().inNamespace("a").withName("missing").get());
    answer(answers, "get service a/p1", () -> c.services().inNamespace("a").withName("p1").get());
    answer(answers, "update a/p1 (latest version)", () -> c.resource(pod("a", "p1", "x2")).update());
    Pod stale = pod("a", "p1", "x3");
    stale.getMetadata().setResourceVersion("1");
    answer(answers, "update a/p1 (stale version)", () -> c.resource(stale).update());
    answer(answers, "update a/p1 (same labels)", () -> c.resource(pod("a", "p1", "x2")).update());
    answer(answers, "patch a/p2", () -> c.pods().inNamespace("a").withName("p2")
        .edit(p -> new PodBuilder(p).editMetadata().addToLabels("edited", "yes").endMetadata().build()));
    answer(answers, "update b/missing", () -> c.resource(pod("b", "missing", "x")).update());
    answer(answers, "list a", () -> c.pods().inNamespace("a").list());
    answer(answers, "list app=x2", () -> c.pods().inAnyNamespace().withLabel("app", "x2").list());
    answer(answers, "list all", () -> c.pods().inAnyNamespace().list());
    answer(answers, "delete b/p1", () -> c.pods().inNamespace("b").withName("p1").delete().size());
    answer(answers, "get b/p1 deleted", () -> c.pods().inNamespace("b").withName("p1").get());
    answer(answers, "create b/p1 anew", () -> c.resource(pod("b", "p1", "x")).create());
    GenericKubernetesResource vs = Serialization.unmarshal("""
        {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService",
         "metadata": {"name": "p1", "namespace": "a"}, "spec": {"hosts": ["p1"]}}""",
        GenericKubernetesResource.class);
    answer(answers, "create virtualservice a/p1", () -> c.resource(vs).create());
    vs.setAdditionalProperty("spec", Map.of("hosts", List.of("p1", "p2")));
    answer(answers, "update virtualservice a/p1", () -> c.resource(vs).update());
    answer(answers, "get virtualservice a/p1", () -> c.genericKubernetesResources("networking.istio.io/v1",
        "VirtualService").inNamespace("a").withName("p1").get());
    answer(answers, "list virtualservices", () -> c.genericKubernetesResources("networking.istio.io/v1",
        "VirtualService").inAnyNamespace().list());
  }

  private static Pod pod(String namespace, String name, String app) {
    return new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).addToLabels("app", app)
        .endMetadata().withNewSpec().withNodeName("node-1").endSpec().build();
  }

  private static void answer(List<String> answers, String what, Supplier<Object> call) {
    String result;
    try {
      result = describe(call.get());
    } catch (KubernetesClientException e) {
      result = "HTTP " + e.getCode();
    }
    answers.add(what + " -> " + result);
  }

  /** An object, or a list's items and version, without what differs between runs (uid, timestamps). */
  private static String describe(Object o) {
    if (o instanceof KubernetesResourceList<?> list) {
      List<String> items = new ArrayList<>();
      for (HasMetadata item : list.getItems()) {
        items.add(describe(item));
      }
      return "list@" + list.getMetadata().getResourceVersion() + " " + items;
    }
    if (o instanceof HasMetadata object) {
      HasMetadata copy = Serialization.clone(object);
      copy.getMetadata().setUid(null);
      copy.getMetadata().setCreationTimestamp(null);
      return Serialization.asJson(copy);
    }
    return String.valueOf(o);
  }

  private static Watcher<Pod> recorder(List<String> events) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        events.add(action + " " + describe(pod));
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }
}
