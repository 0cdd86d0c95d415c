package dev.mesh4j.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.okhttp.MeshOkHttp;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;

/** The core beans: what is there by default, what each property does, and back-off. */
class MeshAutoConfigurationTests {
  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MeshAutoConfiguration.class));

  static String get(OkHttpClient client, String url, Map<String, String> headers) throws IOException {
    Request.Builder b = new Request.Builder().url(url);
    headers.forEach(b::header);
    try (Response r = client.newCall(b.build()).execute()) {
      return r.code() + " " + r.body().string();
    }
  }

  @Test
  void buildsAMeshAMeshedOkHttpClientAndTheirHelpersByDefault() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(Mesh.class).hasSingleBean(OkHttpClient.class)
          .hasSingleBean(ServiceRegistry.class).hasSingleBean(MeshConfigSources.class)
          .hasSingleBean(MeshConfigStatus.class).hasSingleBean(MeshConfigWatcher.class)
          .hasSingleBean(TaskDecorator.class);
      Mesh mesh = context.getBean(Mesh.class);
      assertThat(mesh.workload().namespace()).isEqualTo("default");
      assertThat(mesh.config().resources()).as("classpath:mesh/reviews.yaml, the default location").hasSize(2);
      assertThat(context.getBean(MeshConfigStatus.class).startup().loaded()).isTrue();
    });
  }

  @Test
  void theMeshedClientRoutesOnTheInboundContext() {
    try (ReviewsBackends reviews = new ReviewsBackends()) {
      runner.withBean(ServiceRegistry.class, () -> reviews.registerIn(new ServiceRegistry()))
          .withPropertyValues("mesh.propagation.headers=end-user")
          .run(context -> {
            OkHttpClient client = context.getBean(OkHttpClient.class);
            Mesh mesh = context.getBean(Mesh.class);
            assertThat(get(client, "http://reviews:9080/r", Map.of())).isEqualTo("200 reviews-v1");
            try (MeshContext.Scope s = mesh.captureContext(Map.of("end-user", "jason")::get).makeCurrent()) {
              assertThat(get(client, "http://reviews:9080/r", Map.of())).isEqualTo("200 reviews-v2");
            }
            assertThat(reviews.v2.last().header("end-user")).isEqualTo("jason");
          });
    }
  }

  @Test
  void meshEnabledFalseTurnsEverythingOff() {
    runner.withPropertyValues("mesh.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(Mesh.class).doesNotHaveBean(OkHttpClient.class)
            .doesNotHaveBean(TaskDecorator.class));
  }

  @Test
  void withoutTheOkHttpTransportOnTheClasspathNothingIsConfigured() {
    runner.withClassLoader(new FilteredClassLoader(MeshOkHttp.class))
        .run(context -> assertThat(context).doesNotHaveBean(Mesh.class));
  }

  @Test
  void workloadDefaultsComeFromTheApplicationNameAndThePodsEnvironment() {
    runner.withPropertyValues("spring.application.name=productpage", "POD_NAMESPACE=shop",
            "SERVICE_ACCOUNT=bookinfo-productpage", "POD_IP=10.1.2.3")
        .run(context -> {
          Workload w = context.getBean(Mesh.class).workload();
          assertThat(w.namespace()).isEqualTo("shop");
          assertThat(w.name()).isEqualTo("productpage");
          assertThat(w.labels()).containsEntry("app", "productpage");
          assertThat(w.serviceAccount()).isEqualTo("bookinfo-productpage");
          assertThat(w.ip()).isEqualTo("10.1.2.3");
        });
  }

  @Test
  void workloadPropertiesWinOverTheDefaults() {
    runner.withPropertyValues("spring.application.name=productpage", "POD_NAMESPACE=shop",
            "mesh.workload.namespace=bookinfo", "mesh.workload.name=productpage-v1",
            "mesh.workload.labels.app=pp", "mesh.workload.labels.version=v1",
            "mesh.workload.service-account=sa", "mesh.workload.cluster=east", "mesh.workload.ip=10.9.9.9",
            "mesh.workload.gateways=mesh,istio-system/ingress", "mesh.outbound-traffic-policy=REGISTRY_ONLY")
        .run(context -> {
          Workload w = context.getBean(Mesh.class).workload();
          assertThat(w.namespace()).isEqualTo("bookinfo");
          assertThat(w.name()).isEqualTo("productpage-v1");
          assertThat(w.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("app", "pp", "version", "v1"));
          assertThat(w.serviceAccount()).isEqualTo("sa");
          assertThat(w.clusterId()).isEqualTo("east");
          assertThat(w.ip()).isEqualTo("10.9.9.9");
          assertThat(w.gateways()).containsExactly("mesh", "istio-system/ingress");
          assertThat(w.outboundTrafficPolicy()).isEqualTo(OutboundTrafficPolicy.REGISTRY_ONLY);
        });
  }

  @Test
  void propagationPropertiesSetTheHeadersAndFormats() {
    try (ReviewsBackends reviews = new ReviewsBackends()) {
      runner.withBean(ServiceRegistry.class, () -> reviews.registerIn(new ServiceRegistry()))
          .withPropertyValues("mesh.propagation.headers=end-user,x-tenant", "mesh.propagation.formats=B3_SINGLE")
          .run(context -> {
            Mesh mesh = context.getBean(Mesh.class);
            assertThat(mesh.propagatedHeaders()).containsExactly("end-user", "x-tenant");
            try (MeshContext.Scope s = mesh.captureContext(Map.of("x-tenant", "acme")::get).makeCurrent()) {
              get(context.getBean(OkHttpClient.class), "http://reviews:9080/r", Map.of());
            }
            assertThat(reviews.v1.last().header("x-tenant")).isEqualTo("acme");
            assertThat(reviews.v1.last().header("b3")).isNotNull();
            assertThat(reviews.v1.last().header("traceparent")).isNull();
          });
    }
  }

  @Test
  void servicesPropertiesRegisterStaticEndpoints() {
    try (ReviewsBackends reviews = new ReviewsBackends()) {
      runner.withPropertyValues("mesh.services.reviews.port=9080",
              "mesh.services.reviews.endpoints[0].address=127.0.0.1",
              "mesh.services.reviews.endpoints[0].port=" + reviews.v2.port(),
              "mesh.services.reviews.endpoints[0].labels.version=v2",
              "mesh.services[ratings.default].port=9080",
              "mesh.services[ratings.default].endpoints[0].address=10.0.0.7",
              "mesh.services[ratings.default].endpoints[0].weight=3")
          .run(context -> {
            Map<String, Map<Integer, List<dev.mesh4j.api.endpoint.Endpoint>>> registered =
                context.getBean(ServiceRegistry.class).snapshot();
            assertThat(registered.get("ratings.default").get(9080)).singleElement()
                .satisfies(e -> assertThat(e.weight()).isEqualTo(3))
                .satisfies(e -> assertThat(e.port()).isEqualTo(9080));
            Mesh mesh = context.getBean(Mesh.class);
            try (MeshContext.Scope s = MeshContext.capture(Map.of("end-user", "jason")::get, "end-user").makeCurrent()) {
              assertThat(get(context.getBean(OkHttpClient.class), "http://reviews:9080/r", Map.of()))
                  .isEqualTo("200 reviews-v2");
            }
            assertThat(mesh.describe().clusters()).anySatisfy(c -> assertThat(c.name())
                .isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local"));
          });
    }
  }

  @Test
  void accessLogPropertyTurnsTheAccessLogOn() {
    Logger accessLog = (Logger) LoggerFactory.getLogger("dev.mesh4j.accesslog");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    accessLog.addAppender(lines);
    accessLog.setLevel(Level.INFO);
    try (ReviewsBackends reviews = new ReviewsBackends()) {
      ApplicationContextRunner withReviews =
          runner.withBean(ServiceRegistry.class, () -> reviews.registerIn(new ServiceRegistry()));
      withReviews.run(context -> get(context.getBean(OkHttpClient.class), "http://reviews:9080/off", Map.of()));
      withReviews.withPropertyValues("mesh.access-log.enabled=true")
          .run(context -> get(context.getBean(OkHttpClient.class), "http://reviews:9080/on", Map.of()));
    } finally {
      accessLog.detachAppender(lines);
    }
    assertThat(lines.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
        .contains("\"GET /on HTTP/1.1\" 200"));
  }

  @Test
  void anInvalidConfigurationFailsTheStartByDefault() {
    runner.withPropertyValues("mesh.config-locations=classpath:invalid/")
        .run(context -> assertThat(context).hasFailed().getFailure()
            .rootCause().isInstanceOf(MeshConfigException.class).hasMessageContaining("hosts"));
  }

  @Test
  void withFailFastOffAnInvalidConfigurationStartsWithNoneAndIsReported() {
    runner.withPropertyValues("mesh.config-locations=classpath:invalid/", "mesh.fail-fast=false")
        .run(context -> {
          assertThat(context).hasNotFailed();
          MeshConfigStatus status = context.getBean(MeshConfigStatus.class);
          assertThat(status.everLoaded()).isFalse();
          assertThat(status.startup().outcome()).isEqualTo("rejected");
          assertThat(status.startup().message()).contains("hosts");
          assertThat(context.getBean(Mesh.class).config().resources()).isEmpty();
        });
  }

  @Test
  void aMissingLocationThatWasNamedIsAnError() {
    runner.withPropertyValues("mesh.config-locations=classpath:nowhere/")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("classpath:nowhere/ does not exist"));
  }

  @Test
  void reloadDisabledMeansNoWatcher() {
    runner.withPropertyValues("mesh.reload.enabled=false")
        .run(context -> assertThat(context).hasSingleBean(Mesh.class).doesNotHaveBean(MeshConfigWatcher.class));
  }

  @Test
  void listenerAndCustomizerBeansAreAppliedToTheBuilder() {
    List<String> ended = new CopyOnWriteArrayList<>();
    try (ReviewsBackends reviews = new ReviewsBackends()) {
      runner.withBean(ServiceRegistry.class, () -> reviews.registerIn(new ServiceRegistry()))
          .withBean("recorder", MeshListener.class, () -> new MeshListener() {
            @Override
            public void requestEnded(MeshCall call) {
              ended.add(call.route().cluster());
            }
          })
          .withBean(MeshBuilderCustomizer.class, () -> b -> b.propagatedHeaders("x-from-customizer"))
          .run(context -> {
            Mesh mesh = context.getBean(Mesh.class);
            assertThat(mesh.propagatedHeaders()).contains("x-from-customizer");
            get(context.getBean(OkHttpClient.class), "http://reviews:9080/r", Map.of());
            assertThat(ended).containsExactly("outbound|9080|v1|reviews.default.svc.cluster.local");
          });
    }
  }

  @Test
  void eachBeanBacksOffWhenTheApplicationDefinesItsOwn() {
    runner.withUserConfiguration(OwnBeans.class).run(context -> {
      assertThat(context).hasSingleBean(Mesh.class).hasSingleBean(OkHttpClient.class)
          .hasSingleBean(TaskDecorator.class).hasSingleBean(ServiceRegistry.class);
      assertThat(context.getBean(Mesh.class)).isSameAs(context.getBean(OwnBeans.class).mesh);
      assertThat(context.getBean(TaskDecorator.class)).isSameAs(OwnBeans.DECORATOR);
      assertThat(context.getBean(OkHttpClient.class)).isSameAs(OwnBeans.CLIENT);
    });
  }

  @Test
  void theTaskDecoratorCarriesTheSubmittersContext() throws Exception {
    runner.withPropertyValues("mesh.propagation.headers=end-user").run(context -> {
      TaskDecorator decorator = context.getBean(TaskDecorator.class);
      Mesh mesh = context.getBean(Mesh.class);
      String[] seen = new String[1];
      Runnable task;
      try (MeshContext.Scope s = mesh.captureContext(Map.of("end-user", "jason")::get).makeCurrent()) {
        task = decorator.decorate(() -> seen[0] = MeshContext.current().header("end-user"));
      }
      Thread t = new Thread(task);
      t.start();
      t.join(10_000);
      assertThat(seen[0]).isEqualTo("jason");
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {
    static final TaskDecorator DECORATOR = r -> r;
    static final OkHttpClient CLIENT = new OkHttpClient();
    final Mesh mesh = Mesh.builder().build();

    @Bean
    Mesh myMesh() {
      return mesh;
    }

    @Bean
    OkHttpClient myClient() {
      return CLIENT;
    }

    @Bean
    TaskDecorator myDecorator() {
      return DECORATOR;
    }

    @Bean
    ServiceRegistry myRegistry() {
      return new ServiceRegistry();
    }
  }
}
