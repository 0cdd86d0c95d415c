package dev.mesh4j.spring.autoconfigure.client;

import dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration;
import okhttp3.OkHttpClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;

/**
 * Spring's HTTP client abstractions over the meshed {@link OkHttpClient}: a
 * {@link MeshClientHttpRequestFactory} (RestClient, RestTemplate) and a
 * {@link MeshClientHttpConnector} (WebClient). The per-Boot-line configurations install them into
 * the builders Boot auto-configures.
 */
@AutoConfiguration(after = MeshAutoConfiguration.class)
@ConditionalOnBean(OkHttpClient.class)
public final class MeshClientAutoConfiguration {

  /** The request factory, when spring-web is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ClientHttpRequestFactory.class)
  static final class RequestFactoryConfiguration {
    @Bean
    @ConditionalOnMissingBean
    MeshClientHttpRequestFactory meshClientHttpRequestFactory(OkHttpClient client) {
      return new MeshClientHttpRequestFactory(client);
    }
  }

  /** The connector, when spring-webflux and Reactor are present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.http.client.reactive.ClientHttpConnector",
      "reactor.core.publisher.Mono"})
  static final class ConnectorConfiguration {
    @Bean
    @ConditionalOnMissingBean
    MeshClientHttpConnector meshClientHttpConnector(OkHttpClient client) {
      return new MeshClientHttpConnector(client);
    }
  }
}
