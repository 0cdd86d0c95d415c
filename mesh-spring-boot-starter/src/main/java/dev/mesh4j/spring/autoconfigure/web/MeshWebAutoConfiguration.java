package dev.mesh4j.spring.autoconfigure.web;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The inbound side: a filter capturing each request's context, for servlet and for WebFlux applications. */
@AutoConfiguration(after = MeshAutoConfiguration.class)
@ConditionalOnBean(Mesh.class)
public final class MeshWebAutoConfiguration {

  /** Servlet applications (Spring MVC). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = {"jakarta.servlet.Filter", "org.springframework.web.filter.OncePerRequestFilter"})
  static final class ServletConfiguration {
    @Bean
    @ConditionalOnMissingBean
    MeshContextFilter meshContextFilter(Mesh mesh) {
      return new MeshContextFilter(mesh);
    }
  }

  /** Reactive applications (WebFlux). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = {"org.springframework.web.server.WebFilter", "reactor.core.publisher.Mono"})
  static final class ReactiveConfiguration {
    @Bean
    @ConditionalOnMissingBean
    MeshContextWebFilter meshContextWebFilter(Mesh mesh) {
      return new MeshContextWebFilter(mesh);
    }
  }
}
