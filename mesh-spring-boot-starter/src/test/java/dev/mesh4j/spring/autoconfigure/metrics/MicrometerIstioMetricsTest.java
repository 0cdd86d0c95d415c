package dev.mesh4j.spring.autoconfigure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.observe.ConfigChange;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MicrometerIstioMetricsTest {
  @Test
  void refusedConfigurationIsCountedPerSource() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MicrometerIstioMetrics metrics = new MicrometerIstioMetrics(Workload::defaults);
    metrics.bindTo(registry);
    ConfigProblem error = new ConfigProblem(ConfigProblem.Severity.ERROR, ConfigOrigin.of("VirtualService default/reviews"),
        "spec.http[0].route[0].weight", "weight -5 < 0");

    metrics.configRejected(new ConfigChange("kubernetes", 3, List.of(error), Instant.EPOCH));
    metrics.configRejected(new ConfigChange("kubernetes", 3, List.of(error), Instant.EPOCH));
    metrics.configApplied(new ConfigChange("files", 4, List.of(), Instant.EPOCH));

    assertThat(registry.get("mesh4j_config_rejections").tag("source", "kubernetes").counter().count())
        .isEqualTo(2);
    assertThat(registry.find("mesh4j_config_rejections").tag("source", "files").counter()).isNull();
  }
}
