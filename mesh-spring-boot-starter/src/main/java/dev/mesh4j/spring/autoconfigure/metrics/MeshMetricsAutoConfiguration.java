package dev.mesh4j.spring.autoconfigure.metrics;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.spring.autoconfigure.MeshAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Istio's metrics in Micrometer when Micrometer is on the classpath: Boot binds
 * {@link MicrometerIstioMetrics} to the application's registry (with a Prometheus registry, the
 * metrics appear on {@code /actuator/prometheus}), and the mesh tells it every request it sends
 * ({@code reporter="source"}); {@link MeshInboundMetricsAutoConfiguration} adds the requests a
 * web application answers ({@code reporter="destination"}).
 */
@AutoConfiguration(before = MeshAutoConfiguration.class)
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
@ConditionalOnProperty(prefix = "mesh", name = {"enabled", "metrics.enabled"}, havingValue = "true",
    matchIfMissing = true)
public final class MeshMetricsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  MicrometerIstioMetrics meshMicrometerIstioMetrics(ObjectProvider<Mesh> mesh) {
    return new MicrometerIstioMetrics(() -> mesh.getObject().workload());
  }
}
