package dev.mesh4j.spring.autoconfigure.boot3;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration;
import dev.mesh4j.spring.autoconfigure.MeshConfigStatus;
import dev.mesh4j.spring.autoconfigure.actuate.MeshHealth;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** Boot 3.5: the {@code mesh} health indicator ({@code org.springframework.boot.actuate.health}). */
@AutoConfiguration(after = MeshAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean({Mesh.class, MeshConfigStatus.class})
@ConditionalOnProperty(prefix = "management.health.mesh", name = "enabled", havingValue = "true", matchIfMissing = true)
public final class MeshBoot3HealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "meshHealthIndicator")
  HealthIndicator meshHealthIndicator(Mesh mesh, MeshConfigStatus status) {
    return () -> {
      MeshHealth health = MeshHealth.of(mesh, status);
      return (health.up() ? Health.up() : Health.down()).withDetails(health.details()).build();
    };
  }
}
