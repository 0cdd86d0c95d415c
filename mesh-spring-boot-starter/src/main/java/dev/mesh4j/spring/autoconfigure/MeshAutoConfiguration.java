package dev.mesh4j.spring.autoconfigure;

import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.okhttp.MeshOkHttp;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Clock;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternUtils;
import org.springframework.core.task.TaskDecorator;

/**
 * The mesh itself: a {@link Mesh} built from {@code mesh.*} properties and the Istio manifests
 * under {@code mesh.config-locations}, a meshed {@link OkHttpClient}, hot reload, and a
 * {@link TaskDecorator} that carries the inbound request's context to Boot's task executors.
 * Every bean backs off when the application defines its own.
 */
@AutoConfiguration
@ConditionalOnClass({Mesh.class, MeshOkHttp.class})
@ConditionalOnProperty(prefix = "mesh", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(MeshProperties.class)
public final class MeshAutoConfiguration {
  private static final Logger log = LoggerFactory.getLogger(MeshAutoConfiguration.class);

  @Bean
  @ConditionalOnMissingBean
  ServiceRegistry meshServiceRegistry() {
    return new ServiceRegistry();
  }

  @Bean
  @ConditionalOnMissingBean
  MeshConfigSources meshConfigSources(MeshProperties properties, ResourceLoader resourceLoader) {
    ResourcePatternResolver resolver = ResourcePatternUtils.getResourcePatternResolver(resourceLoader);
    return MeshConfigSources.resolve(properties.getConfigLocations(), resolver);
  }

  @Bean
  @ConditionalOnMissingBean
  MeshConfigStatus meshConfigStatus() {
    return new MeshConfigStatus(Clock.systemUTC());
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Mesh mesh(MeshProperties properties, Environment environment, MeshConfigSources sources,
      ServiceRegistry registry, MeshConfigStatus status, ObjectProvider<MeshListener> listeners,
      ObjectProvider<OpenTelemetry> openTelemetry, ObjectProvider<MeshBuilderCustomizer> customizers) {
    MeshPropertiesMapper mapper = new MeshPropertiesMapper(properties, environment);
    mapper.registerServices(registry);
    Mesh.Builder builder = mapper.configure(Mesh.builder()).registry(registry);
    sources.applyTo(builder);
    listeners.orderedStream().forEach(builder::listener);
    OpenTelemetry otel = openTelemetry.getIfUnique();
    if (otel != null) {
      builder.openTelemetry(otel);
    }
    customizers.orderedStream().forEach(c -> c.customize(builder));
    try {
      Mesh mesh = builder.build();
      status.startupLoaded(mesh.version());
      return mesh;
    } catch (MeshConfigException e) {
      if (properties.isFailFast()) {
        throw e;
      }
      Mesh mesh = builder.lenientStart(true).build();
      status.startupRejected(mesh.version(), e.getMessage());
      log.error("mesh4j: starting without a configuration (mesh.fail-fast=false); health is DOWN until a valid one loads");
      return mesh;
    }
  }

  @Bean
  @ConditionalOnMissingBean
  OkHttpClient meshOkHttpClient(Mesh mesh) {
    return MeshOkHttp.newClient(mesh);
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "mesh.reload", name = "enabled", havingValue = "true", matchIfMissing = true)
  MeshConfigWatcher meshConfigWatcher(Mesh mesh, MeshConfigSources sources, MeshProperties properties,
      MeshConfigStatus status) {
    return new MeshConfigWatcher(mesh, sources.watchedPaths(), properties.getReload().getInterval(), status);
  }

  /**
   * Runs every task of Boot's task executors ({@code @Async}, {@code ThreadPoolTaskExecutor}
   * built by Boot) in the context current when it was submitted. Boot applies a single
   * {@code TaskDecorator} bean; an application with its own can compose it with
   * {@link MeshContext#wrap(Runnable)}.
   */
  @Bean
  @ConditionalOnMissingBean(TaskDecorator.class)
  TaskDecorator meshContextTaskDecorator() {
    return MeshContext::wrap;
  }
}
