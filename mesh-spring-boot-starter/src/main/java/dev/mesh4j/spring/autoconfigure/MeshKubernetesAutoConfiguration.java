package dev.mesh4j.spring.autoconfigure;

import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.kubernetes.KubernetesSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Kubernetes as the control plane: the mesh reads Istio resources, Services, EndpointSlices and
 * Pods from the Kubernetes API ({@link KubernetesSource}) and the workload's labels and service
 * account from its own Pod, and its locality (unless set) from the Pod's Node
 * ({@link KubernetesSource#podLocality}). On when {@code mesh-kubernetes} is on the classpath and the
 * application runs in Kubernetes, or {@code mesh.kubernetes.enabled=true}. The source's state
 * shows in {@code /actuator/mesh} and the {@code mesh} health indicator.
 */
@AutoConfiguration(before = MeshAutoConfiguration.class)
@ConditionalOnClass(name = {"dev.mesh4j.kubernetes.KubernetesSource",
    "io.fabric8.kubernetes.client.KubernetesClient"})
@ConditionalOnProperty(prefix = "mesh", name = "enabled", havingValue = "true", matchIfMissing = true)
@Conditional(OnMeshKubernetesCondition.class)
@EnableConfigurationProperties({MeshProperties.class, MeshKubernetesProperties.class})
public final class MeshKubernetesAutoConfiguration {
  private static final Logger log = LoggerFactory.getLogger(MeshKubernetesAutoConfiguration.class);
  /** Kubernetes' downward API name of the Pod, as Istio's injection template sets it. */
  static final String POD_NAME = "POD_NAME";

  /** A client configured as fabric8 finds it: in a pod, its service account and the API server. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  KubernetesClient meshKubernetesClient() {
    return new KubernetesClientBuilder().build();
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  KubernetesSource meshKubernetesSource(KubernetesClient client, MeshKubernetesProperties properties) {
    return KubernetesSource.builder(client)
        .namespaces(properties.getNamespaces().toArray(String[]::new))
        .initialSyncTimeout(properties.getInitialSyncTimeout())
        .debounce(properties.getDebounceQuiet(), properties.getDebounceMax())
        .trustDomain(properties.getTrustDomain())
        .build();
  }

  /** Adds the source to the mesh, and the workload's identity as its own Pod has it. */
  @Bean
  MeshBuilderCustomizer meshKubernetesCustomizer(KubernetesSource source, KubernetesClient client,
      MeshProperties properties, MeshKubernetesProperties kubernetes, Environment environment) {
    return builder -> {
      MeshPropertiesMapper mapper = new MeshPropertiesMapper(properties, environment);
      Pod pod = kubernetes.isReadOwnPod() ? ownPod(client, mapper.workload().namespace(), environment) : null;
      if (pod != null) {
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        String account = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
        Workload workload = mapper.workload(labels, account);
        if (workload.locality() == null) {
          // Not set by mesh.workload.labels nor the Pod's istio-locality: its Node's, as istiod
          // gives a sidecar the locality of its Pod.
          String locality = KubernetesSource.podLocality(client, pod);
          if (locality != null) {
            workload = workload.toBuilder().locality(locality).build();
          }
        }
        builder.workload(workload);
      }
      builder.source(source);
    };
  }

  private static @Nullable Pod ownPod(KubernetesClient client, String namespace, Environment environment) {
    String name = environment.getProperty(POD_NAME);
    if (name == null || name.isBlank()) {
      name = environment.getProperty("HOSTNAME"); // Kubernetes names a pod's host after the pod
    }
    if (name == null || name.isBlank()) {
      return null;
    }
    try {
      Pod pod = client.pods().inNamespace(namespace).withName(name).get();
      if (pod == null) {
        log.warn("mesh4j: no Pod {}/{} to read the workload's labels from (set POD_NAME and POD_NAMESPACE"
            + " through the downward API, or mesh.workload.*)", namespace, name);
      }
      return pod;
    } catch (RuntimeException e) {
      log.warn("mesh4j: cannot read Pod {}/{} for the workload's labels ({}); using mesh.workload.* and the"
          + " environment", namespace, name, e.getMessage());
      return null;
    }
  }
}
