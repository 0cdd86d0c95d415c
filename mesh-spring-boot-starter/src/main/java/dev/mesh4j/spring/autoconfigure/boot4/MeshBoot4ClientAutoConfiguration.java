package dev.mesh4j.spring.autoconfigure.boot4;

import dev.mesh4j.spring.autoconfigure.client.MeshClientAutoConfiguration;
import dev.mesh4j.spring.autoconfigure.client.MeshClientHttpConnector;
import dev.mesh4j.spring.autoconfigure.client.MeshClientHttpRequestFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Boot 4: meshes the {@code RestClient.Builder}, {@code RestTemplateBuilder} and
 * {@code WebClient.Builder} that Boot auto-configures, through Boot 4's customizer types
 * ({@code org.springframework.boot.restclient}, {@code org.springframework.boot.webclient}).
 * Boot applies customizers after its own request-factory settings, so the mesh's factory wins.
 */
@AutoConfiguration(after = MeshClientAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.restclient.RestClientCustomizer")
public final class MeshBoot4ClientAutoConfiguration {

  /** RestClient. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(MeshClientHttpRequestFactory.class)
  static final class RestClientConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "meshRestClientCustomizer")
    RestClientCustomizer meshRestClientCustomizer(MeshClientHttpRequestFactory factory) {
      return builder -> builder.requestFactory(factory);
    }

    @Bean
    @ConditionalOnMissingBean(name = "meshRestTemplateCustomizer")
    RestTemplateCustomizer meshRestTemplateCustomizer(MeshClientHttpRequestFactory factory) {
      return restTemplate -> restTemplate.setRequestFactory(factory);
    }
  }

  /** WebClient. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.webclient.WebClientCustomizer")
  @ConditionalOnBean(MeshClientHttpConnector.class)
  static final class WebClientConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "meshWebClientCustomizer")
    WebClientCustomizer meshWebClientCustomizer(MeshClientHttpConnector connector) {
      return builder -> builder.clientConnector(connector);
    }
  }
}
