package dev.mesh4j.spring.autoconfigure.metrics;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration;
import dev.mesh4j.spring.autoconfigure.ssl.MeshSslBundles;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The requests a web application answers, in Istio's metrics with {@code reporter="destination"}
 * (the application's side of each edge, as its sidecar would report it): a servlet filter or a
 * WebFlux filter telling {@link MicrometerIstioMetrics} of each. With
 * {@code server.ssl.bundle=mesh}, requests that came over the mesh's mutual TLS carry the client's
 * SPIFFE ID as {@code source_principal} and {@code connection_security_policy="mutual_tls"}.
 */
@AutoConfiguration(after = {MeshAutoConfiguration.class, MeshMetricsAutoConfiguration.class})
@ConditionalOnBean({Mesh.class, MicrometerIstioMetrics.class})
@ConditionalOnWebApplication
public final class MeshInboundMetricsAutoConfiguration {

  /** The SPIFFE ID the web server presents: the mesh's, when it serves the bundle {@code mesh}. */
  static Supplier<@Nullable String> localPrincipal(Environment environment, Mesh mesh) {
    return InboundRequests.localPrincipal(MeshSslBundles.BUNDLE.equals(environment.getProperty("server.ssl.bundle")),
        mesh::identity);
  }

  /** Requests a servlet application answers. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = {"jakarta.servlet.Filter", "org.springframework.web.filter.OncePerRequestFilter"})
  static final class ServletConfiguration {
    @Bean
    @ConditionalOnMissingBean
    MeshInboundMetricsFilter meshInboundMetricsFilter(MicrometerIstioMetrics metrics, Mesh mesh,
        Environment environment) {
      return new MeshInboundMetricsFilter(metrics, mesh.ticker(), localPrincipal(environment, mesh));
    }
  }

  /** Requests a WebFlux application answers. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = {"org.springframework.web.server.WebFilter", "reactor.core.publisher.Mono"})
  static final class ReactiveConfiguration {
    @Bean
    @ConditionalOnMissingBean
    MeshInboundMetricsWebFilter meshInboundMetricsWebFilter(MicrometerIstioMetrics metrics, Mesh mesh,
        Environment environment) {
      return new MeshInboundMetricsWebFilter(metrics, mesh.ticker(), localPrincipal(environment, mesh));
    }
  }
}
