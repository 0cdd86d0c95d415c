package dev.mesh4j.spring.autoconfigure.actuate;

import dev.mesh4j.console.MeshConsole;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The mesh4j console as the actuator endpoint {@code meshconsole}, when {@code mesh-console} is
 * on the class path and the endpoint is exposed over HTTP. The console attaches to the mesh (its
 * live stats count from then on) only then.
 */
@AutoConfiguration(after = MeshAutoConfiguration.class)
@ConditionalOnClass(name = {"dev.mesh4j.console.MeshConsole",
    "org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint",
    "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
@ConditionalOnBean(Mesh.class)
@ConditionalOnAvailableEndpoint(endpoint = MeshConsoleEndpoint.class)
public final class MeshConsoleAutoConfiguration {

  /** Attached to the mesh; closed (detached) with the context. */
  @Bean
  @ConditionalOnMissingBean
  MeshConsole meshConsole(Mesh mesh) {
    return MeshConsole.attach(mesh);
  }

  @Bean
  @ConditionalOnMissingBean
  MeshConsoleEndpoint meshConsoleEndpoint(MeshConsole console) {
    return new MeshConsoleEndpoint(console);
  }
}
