package dev.mesh4j.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.testing.LoopbackBackend;
import dev.mesh4j.kubernetes.KubernetesSource;
import dev.mesh4j.spring.autoconfigure.actuate.MeshHealth;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Kubernetes as the control plane in a Boot application: a real API server in-process (fabric8's,
 * CRUD mode) holds the reviews Service, its EndpointSlices and Pods (loopback servers) and the
 * application's own Pod; the routing rules come from {@code classpath:mesh/reviews.yaml}.
 */
class MeshKubernetesAutoConfigurationTests {
  private static KubernetesMockServer server;
  private static final LoopbackBackend v1 = LoopbackBackend.start("reviews-v1");
  private static final LoopbackBackend v2 = LoopbackBackend.start("reviews-v2");

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshKubernetesAutoConfiguration.class, MeshAutoConfiguration.class))
      // Closed once every test is done, before the server, not by the context.
      .withBean(KubernetesClient.class, MeshKubernetesAutoConfigurationTests::client, bd -> bd.setDestroyMethodName(""))
      .withPropertyValues("POD_NAMESPACE=default", "POD_NAME=productpage-7d9", "mesh.reload.enabled=false");

  private static final List<KubernetesClient> clients = new java.util.concurrent.CopyOnWriteArrayList<>();

  private static KubernetesClient client() {
    KubernetesClient c = server.createClient();
    clients.add(c);
    return c;
  }

  @BeforeAll
  static void cluster() throws Exception {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of()), false);
    server.init(InetAddress.getByName("127.0.0.1"), 0);
    try (NamespacedKubernetesClient kubectl = server.createClient()) {
      kubectl.resource(new ServiceBuilder().withNewMetadata().withNamespace("default").withName("reviews").endMetadata()
          .withNewSpec().addNewPort().withName("http").withPort(9080).withTargetPort(new IntOrString("http-server"))
          .endPort().endSpec().build()).create();
      for (LoopbackBackend b : List.of(v1, v2)) {
        String version = b.name().substring("reviews-".length());
        kubectl.resource(new PodBuilder().withNewMetadata().withNamespace("default").withName(b.name())
            .withLabels(Map.of("app", "reviews", "version", version)).endMetadata()
            .withNewSpec().withServiceAccountName("bookinfo-reviews").endSpec().build()).create();
        // Each pod listens on its own port: one slice per port, as Kubernetes makes them for a
        // named targetPort that resolves differently per pod.
        kubectl.resource(new EndpointSliceBuilder().withNewMetadata().withNamespace("default")
            .withName("reviews-" + version).withLabels(Map.of("kubernetes.io/service-name", "reviews")).endMetadata()
            .withAddressType("IPv4").addNewPort().withName("http").withPort(b.port()).endPort()
            .addNewEndpoint().withAddresses(b.address()).withNewConditions().withReady(true).endConditions()
            .withNewTargetRef().withKind("Pod").withName(b.name()).withNamespace("default").endTargetRef().endEndpoint()
            .build()).create();
      }
      kubectl.resource(new PodBuilder().withNewMetadata().withNamespace("default").withName("productpage-7d9")
          .withLabels(Map.of("app", "productpage", "version", "v1")).endMetadata()
          .withNewSpec().withServiceAccountName("bookinfo-productpage").withNodeName("node-7").endSpec().build()).create();
      kubectl.resource(new NodeBuilder().withNewMetadata().withName("node-7").withLabels(Map.of(
          "topology.kubernetes.io/region", "eu-west1", "topology.kubernetes.io/zone", "eu-west1-b",
          "topology.istio.io/subzone", "rack-3")).endMetadata().build()).create();
    }
  }

  /**
   * Every context is closed by now, and with it each mesh's watches. The clients go first: their
   * idle keep-alive connections would otherwise hold the server's shutdown until it gives up
   * ("Unable to close MockWebServer" on a loaded machine), as the Kubernetes module's test cluster
   * found.
   */
  @AfterAll
  static void stop() {
    clients.forEach(KubernetesClient::close);
    server.destroy();
    v1.close();
    v2.close();
  }

  @Test
  void inKubernetesTheMeshReadsEndpointsFromTheApiServerAndItsIdentityFromItsPod() {
    runner.withPropertyValues("spring.main.cloud-platform=kubernetes").run(context -> {
      assertThat(context).hasSingleBean(KubernetesSource.class);
      Mesh mesh = context.getBean(Mesh.class);
      assertThat(mesh.workload().labels()).containsEntry("app", "productpage").containsEntry("version", "v1");
      assertThat(mesh.workload().serviceAccount()).isEqualTo("bookinfo-productpage");
      assertThat(mesh.workload().locality()).as("its Pod's Node's").isEqualTo("eu-west1/eu-west1-b/rack-3");
      assertThat(mesh.sources()).anySatisfy(s -> {
        assertThat(s.source()).isEqualTo("kubernetes");
        assertThat(s.state()).isEqualTo(SourceStatus.State.SYNCED);
      });

      OkHttpClient client = context.getBean(OkHttpClient.class);
      assertThat(MeshAutoConfigurationTests.get(client, "http://reviews:9080/r", Map.of("end-user", "jason")))
          .isEqualTo("200 reviews-v2");
      assertThat(MeshAutoConfigurationTests.get(client, "http://reviews:9080/r", Map.of())).isEqualTo("200 reviews-v1");

      MeshHealth health = MeshHealth.of(mesh, context.getBean(MeshConfigStatus.class));
      assertThat(health.up()).isTrue();
      assertThat(health.details().get("sources")).asString().contains("kubernetes").contains("SYNCED");
    });
  }

  @Test
  void explicitWorkloadPropertiesWinOverThePod() {
    runner.withPropertyValues("mesh.kubernetes.enabled=true", "mesh.workload.labels.version=v9").run(context -> {
      Mesh mesh = context.getBean(Mesh.class);
      assertThat(mesh.workload().labels()).containsEntry("app", "productpage").containsEntry("version", "v9");
    });
  }

  @Test
  void offOutsideKubernetes() {
    runner.run(context -> {
      assertThat(context).doesNotHaveBean(KubernetesSource.class);
      assertThat(context.getBean(Mesh.class).sources()).noneMatch(s -> s.source().equals("kubernetes"));
    });
  }

  @Test
  void offWhenDisabledInKubernetes() {
    runner.withPropertyValues("spring.main.cloud-platform=kubernetes", "mesh.kubernetes.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(KubernetesSource.class).hasSingleBean(Mesh.class));
  }

  @Test
  void offWithoutTheModuleOnTheClasspath() {
    runner.withClassLoader(new FilteredClassLoader(KubernetesSource.class))
        .withPropertyValues("mesh.kubernetes.enabled=true")
        .run(context -> assertThat(context).doesNotHaveBean("meshKubernetesSource").hasSingleBean(Mesh.class));
  }

  @Test
  void aLocalitySetExplicitlyWinsOverTheNodes() {
    runner.withPropertyValues("spring.main.cloud-platform=kubernetes",
        "mesh.workload.labels[topology.kubernetes.io/region]=us-east1",
        "mesh.workload.labels[topology.kubernetes.io/zone]=us-east1-c").run(context -> {
          assertThat(context.getBean(Mesh.class).workload().locality()).isEqualTo("us-east1/us-east1-c/");
        });
  }

}
