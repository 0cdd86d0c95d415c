package dev.mesh4j.spring.autoconfigure.boot4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration;
import dev.mesh4j.spring.autoconfigure.ReviewsBackends;
import dev.mesh4j.spring.autoconfigure.client.MeshClientAutoConfiguration;
import dev.mesh4j.spring.autoconfigure.client.MeshClientHttpRequestFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.web.client.RestTemplate;

/** What only Boot 4 has: its customizer types, RestTemplateBuilder's package and the health API. */
class Boot4LineTests {
  final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
      MeshAutoConfiguration.class, MeshClientAutoConfiguration.class, MeshBoot4ClientAutoConfiguration.class,
      MeshBoot4HealthAutoConfiguration.class));

  @Test
  void theBoot4CustomizersAndHealthIndicatorAreThere() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(RestClientCustomizer.class).hasSingleBean(RestTemplateCustomizer.class)
          .hasSingleBean(WebClientCustomizer.class).hasBean("meshHealthIndicator");
      assertThat(context.getBean("meshHealthIndicator", HealthIndicator.class).health().getStatus())
          .isEqualTo(Status.UP);
    });
  }

  @Test
  void eachCustomizerBacksOffForOneOfTheSameName() {
    RestClientCustomizer own = builder -> { };
    runner.withBean("meshRestClientCustomizer", RestClientCustomizer.class, () -> own)
        .run(context -> assertThat(context.getBean(RestClientCustomizer.class)).isSameAs(own));
  }

  @Test
  void withoutBoot4sRestClientModuleNoCustomizerIsDefined() {
    runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.restclient"))
        .run(context -> assertThat(context).doesNotHaveBean("meshRestClientCustomizer")
            .doesNotHaveBean("meshRestTemplateCustomizer"));
  }

  @Test
  void theHealthIsDownWhenNoValidConfigurationWasEverLoaded() {
    runner.withPropertyValues("mesh.config-locations=classpath:invalid/", "mesh.fail-fast=false").run(context -> {
      var health = context.getBean("meshHealthIndicator", HealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("reason", "no valid configuration was ever loaded");
    });
  }

  @Test
  void theHealthIndicatorCanBeTurnedOff() {
    runner.withPropertyValues("management.health.mesh.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("meshHealthIndicator"));
  }

  @Test
  void bootsRestTemplateBuilderIsMeshed() {
    try (ReviewsBackends reviews = new ReviewsBackends()) {
      runner.withConfiguration(AutoConfigurations.of(RestTemplateAutoConfiguration.class))
          .withBean(ServiceRegistry.class, () -> reviews.registerIn(new ServiceRegistry()))
          .withPropertyValues("mesh.propagation.headers=end-user")
          .run(context -> {
            RestTemplate template = context.getBean(RestTemplateBuilder.class).build();
            assertThat(template.getRequestFactory()).isInstanceOf(MeshClientHttpRequestFactory.class);
            Mesh mesh = context.getBean(Mesh.class);
            try (MeshContext.Scope s = mesh.captureContext(Map.of("end-user", "jason")::get).makeCurrent()) {
              assertThat(template.getForObject("http://reviews:9080/r", String.class)).isEqualTo("reviews-v2");
            }
          });
    }
  }
}
