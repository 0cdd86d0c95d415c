package dev.mesh4j.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * {@code mesh.kubernetes.enabled} when set; otherwise whether the application runs in Kubernetes,
 * as Spring Boot detects it.
 */
final class OnMeshKubernetesCondition extends SpringBootCondition {

  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
    Environment env = context.getEnvironment();
    String enabled = env.getProperty("mesh.kubernetes.enabled");
    if (enabled != null && !enabled.isBlank()) {
      return Boolean.parseBoolean(enabled.trim())
          ? ConditionOutcome.match("mesh.kubernetes.enabled is true")
          : ConditionOutcome.noMatch("mesh.kubernetes.enabled is false");
    }
    return CloudPlatform.getActive(env) == CloudPlatform.KUBERNETES
        ? ConditionOutcome.match("running in Kubernetes")
        : ConditionOutcome.noMatch("not running in Kubernetes and mesh.kubernetes.enabled not set");
  }
}
