package dev.mesh4j.spring.autoconfigure.ssl;

import org.springframework.boot.web.server.AbstractConfigurableWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * A web server serving the bundle {@value MeshSslBundles#BUNDLE} requires a client certificate
 * (as a sidecar under {@code STRICT}) unless {@code server.ssl.client-auth} is set. Runs after
 * Boot's own customizer, which copies the {@code server.ssl.*} properties.
 */
final class MeshClientAuthCustomizer implements WebServerFactoryCustomizer<AbstractConfigurableWebServerFactory>,
    Ordered {

  @Override
  public void customize(AbstractConfigurableWebServerFactory factory) {
    Ssl ssl = factory.getSsl();
    if (ssl != null && MeshSslBundles.BUNDLE.equals(ssl.getBundle()) && ssl.getClientAuth() == null) {
      ssl.setClientAuth(Ssl.ClientAuth.NEED);
    }
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
