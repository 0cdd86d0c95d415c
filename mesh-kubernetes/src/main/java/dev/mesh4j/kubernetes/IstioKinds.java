package dev.mesh4j.kubernetes;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Istio kinds mesh4j reads, and which version of each the cluster serves: {@code v1}, else
 * {@code v1beta1}, else {@code v1alpha3}, asked of the API server's discovery endpoint (which
 * every authenticated client may read).
 */
final class IstioKinds {
  static final String GROUP = "networking.istio.io";
  /** Preferred first. */
  static final List<String> VERSIONS = List.of("v1", "v1beta1", "v1alpha3");
  /** Kind to plural resource name. */
  static final Map<String, String> KINDS = kinds();

  private IstioKinds() {}

  private static Map<String, String> kinds() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("VirtualService", "virtualservices");
    m.put("DestinationRule", "destinationrules");
    m.put("ServiceEntry", "serviceentries");
    m.put("WorkloadEntry", "workloadentries");
    m.put("Sidecar", "sidecars");
    m.put("Gateway", "gateways");
    return Map.copyOf(m);
  }

  /** The kinds in a stable order. */
  static List<String> names() {
    return List.of("VirtualService", "DestinationRule", "ServiceEntry", "WorkloadEntry", "Sidecar", "Gateway");
  }

  /**
   * For each kind the cluster serves, the context to read it with, at the most preferred version
   * served. A kind the cluster does not serve (Istio's CRDs not installed) is left out.
   *
   * @throws KubernetesClientException when the API server cannot be asked
   */
  static List<ResourceDefinitionContext> discover(KubernetesClient client) {
    Map<String, String> served = new LinkedHashMap<>(); // kind -> version
    for (String version : VERSIONS) {
      APIResourceList list;
      try {
        list = client.getApiResources(GROUP + "/" + version);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          continue;
        }
        throw e;
      }
      if (list == null || list.getResources() == null) {
        continue;
      }
      for (APIResource r : list.getResources()) {
        if (r.getName() != null && !r.getName().contains("/") && KINDS.containsKey(r.getKind())) {
          served.putIfAbsent(r.getKind(), version);
        }
      }
    }
    List<ResourceDefinitionContext> out = new ArrayList<>();
    for (String kind : names()) {
      String version = served.get(kind);
      if (version != null) {
        out.add(new ResourceDefinitionContext.Builder()
            .withGroup(GROUP).withVersion(version).withKind(kind).withPlural(KINDS.get(kind))
            .withNamespaced(true).build());
      }
    }
    return out;
  }
}
