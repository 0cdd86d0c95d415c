package dev.mesh4j.spring.autoconfigure.ssl;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The SSL bundle {@value MeshSslBundles#BUNDLE} from the mesh's workload identity, for
 * {@code server.ssl.bundle=mesh}; a web server using it requires client certificates unless
 * {@code server.ssl.client-auth} says otherwise; servlet requests and WebFlux exchanges that came
 * with a client certificate carry its SPIFFE ID as the attribute
 * {@value MeshSslBundles#PEER_PRINCIPAL_ATTRIBUTE}.
 */
@AutoConfiguration(after = MeshAutoConfiguration.class,
    beforeName = "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration")
@ConditionalOnBean(Mesh.class)
@ConditionalOnClass(name = "org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar")
public final class MeshSslAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  MeshSslBundles meshSslBundles(Mesh mesh, Environment environment) {
    return new MeshSslBundles(mesh, MeshSslBundles.BUNDLE.equals(environment.getProperty("server.ssl.bundle")));
  }

  /** Client certificates required by default when the web server serves the mesh's bundle. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication
  @ConditionalOnClass(name = "org.springframework.boot.web.server.WebServerFactoryCustomizer")
  static final class ServerConfiguration {
    @Bean
    MeshClientAuthCustomizer meshClientAuthCustomizer() {
      return new MeshClientAuthCustomizer();
    }
  }

  /** The SPIFFE ID of the client's certificate on each servlet request. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = {"jakarta.servlet.Filter", "org.springframework.web.filter.OncePerRequestFilter"})
  static final class ServletConfiguration {
    @Bean
    @ConditionalOnMissingBean
    MeshPeerPrincipalFilter meshPeerPrincipalFilter() {
      return new MeshPeerPrincipalFilter();
    }
  }

  /** The SPIFFE ID of the client's certificate on each WebFlux exchange. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = {"org.springframework.web.server.WebFilter", "reactor.core.publisher.Mono"})
  static final class ReactiveConfiguration {
    @Bean
    @ConditionalOnMissingBean
    MeshPeerPrincipalWebFilter meshPeerPrincipalWebFilter() {
      return new MeshPeerPrincipalWebFilter();
    }
  }
}
