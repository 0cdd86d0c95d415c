package dev.mesh4j.spring.autoconfigure.actuate;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration;
import dev.mesh4j.spring.autoconfigure.MeshConfigSources;
import dev.mesh4j.spring.autoconfigure.MeshConfigStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code mesh} actuator endpoint, when Actuator is present and the endpoint is exposed. */
@AutoConfiguration(after = MeshAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
    "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
@ConditionalOnBean({Mesh.class, MeshConfigStatus.class})
public final class MeshEndpointAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint(endpoint = MeshEndpoint.class)
  MeshEndpoint meshEndpoint(Mesh mesh, MeshConfigStatus status, ObjectProvider<MeshConfigSources> sources) {
    return new MeshEndpoint(mesh, status, sources.getIfAvailable());
  }
}
