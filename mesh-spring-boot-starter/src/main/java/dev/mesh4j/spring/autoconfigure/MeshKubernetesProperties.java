package dev.mesh4j.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mesh.kubernetes.*} properties: Kubernetes as the control plane (module
 * {@code mesh-kubernetes}). docs/kubernetes.md describes them.
 */
@ConfigurationProperties("mesh.kubernetes")
public class MeshKubernetesProperties {

  /**
   * Whether Istio resources and endpoints are read from the Kubernetes API. Defaults to on when the
   * application runs in Kubernetes (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT set, or
   * spring.main.cloud-platform=kubernetes) and mesh-kubernetes is on the classpath.
   */
  private @Nullable Boolean enabled;

  /** The namespaces watched; empty for all. Include Istio's root namespace for mesh-wide resources. */
  private List<String> namespaces = new ArrayList<>();

  /** How long start-up waits for the initial lists before failing. */
  private Duration initialSyncTimeout = Duration.ofSeconds(30);

  /** Changes are applied once they have been quiet this long (istiod's PILOT_DEBOUNCE_AFTER). */
  private Duration debounceQuiet = Duration.ofMillis(100);

  /** Changes are applied at the latest this long after the first (istiod's PILOT_DEBOUNCE_MAX). */
  private Duration debounceMax = Duration.ofSeconds(10);

  /** The trust domain of endpoint identities (spiffe://trust-domain/ns/namespace/sa/account). */
  private String trustDomain = "cluster.local";

  /**
   * Whether the workload's labels and service account are read from its own Pod (named by the
   * POD_NAME environment variable, else HOSTNAME, in POD_NAMESPACE). mesh.workload.* properties
   * still win.
   */
  private boolean readOwnPod = true;

  public @Nullable Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(@Nullable Boolean enabled) {
    this.enabled = enabled;
  }

  public List<String> getNamespaces() {
    return namespaces;
  }

  public void setNamespaces(List<String> namespaces) {
    this.namespaces = namespaces;
  }

  public Duration getInitialSyncTimeout() {
    return initialSyncTimeout;
  }

  public void setInitialSyncTimeout(Duration initialSyncTimeout) {
    this.initialSyncTimeout = initialSyncTimeout;
  }

  public Duration getDebounceQuiet() {
    return debounceQuiet;
  }

  public void setDebounceQuiet(Duration debounceQuiet) {
    this.debounceQuiet = debounceQuiet;
  }

  public Duration getDebounceMax() {
    return debounceMax;
  }

  public void setDebounceMax(Duration debounceMax) {
    this.debounceMax = debounceMax;
  }

  public String getTrustDomain() {
    return trustDomain;
  }

  public void setTrustDomain(String trustDomain) {
    this.trustDomain = trustDomain;
  }

  public boolean isReadOwnPod() {
    return readOwnPod;
  }

  public void setReadOwnPod(boolean readOwnPod) {
    this.readOwnPod = readOwnPod;
  }
}
