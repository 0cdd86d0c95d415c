package dev.mesh4j.kubernetes;

import dev.mesh4j.api.config.ServicePort;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds the service mesh4j routes to from a Kubernetes Service, its EndpointSlices and their
 * Pods, as istiod builds a sidecar's clusters:
 *
 * <ul>
 *   <li>host {@code name.namespace.svc.<domain suffix>}; ports with their protocol; its traffic
 *       distribution ({@link KubernetesObjects#trafficDistribution}); an
 *       {@code ExternalName} service has its external name as its one endpoint per port;
 *   <li>an endpoint serves a service port when its slice has a port of the same name, on that
 *       slice port's number (how a named {@code targetPort} resolves);
 *   <li>only ready endpoints receive traffic (all, when the service publishes not-ready
 *       addresses); terminating ones are left out and drain;
 *   <li>an endpoint's locality is istiod's ({@code getPodLocality}): its Pod's
 *       {@code topology.istio.io/locality} or {@code istio-locality} label, else its node's
 *       region, zone and subzone labels ({@link KubernetesObjects#nodeLocality(Map)}); without
 *       the node (not readable, not yet seen) only the slice's zone is known;
 *   <li>an endpoint carries its Pod's labels, so {@code version} subsets select on them, plus the
 *       topology labels istiod adds ({@code AugmentLabels}: {@code topology.kubernetes.io/region},
 *       {@code topology.kubernetes.io/zone} and {@code topology.istio.io/subzone} of its locality,
 *       {@code kubernetes.io/hostname}, {@code topology.istio.io/cluster}), the name of its Pod's
 *       workload ({@code service.istio.io/workload-name}: the Deployment, StatefulSet, … as istiod
 *       names it) and its principal
 *       {@code spiffe://<trust domain>/ns/<namespace>/sa/<service account>}.
 * </ul>
 *
 * Stateless.
 */
final class ServiceMapper {
  static final String REGION_LABEL = KubernetesObjects.REGION_LABEL;
  static final String ZONE_LABEL = KubernetesObjects.ZONE_LABEL;
  static final String SUBZONE_LABEL = KubernetesObjects.SUBZONE_LABEL;
  static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
  static final String CLUSTER_LABEL = "topology.istio.io/cluster";
  /**
   * The workload an endpoint belongs to: Istio's Pod label that overrides the name istiod derives
   * from the Pod's owners; mesh4j gives every Pod-backed endpoint this label with the derived name,
   * as istiod writes it into the endpoint's {@code istio.workload} metadata.
   */
  static final String WORKLOAD_NAME_LABEL = "service.istio.io/workload-name";
  /** Istio's per-pod locality override, {@code region.zone.subzone}. */
  static final String LOCALITY_LABEL = "istio-locality";
  /** Istio's per-pod locality override that takes precedence over {@link #LOCALITY_LABEL}. */
  static final String TOPOLOGY_LOCALITY_LABEL = "topology.istio.io/locality";

  private final String domainSuffix;
  private final String trustDomain;
  private final String clusterId;

  ServiceMapper(String domainSuffix, String trustDomain, String clusterId) {
    this.domainSuffix = domainSuffix;
    this.trustDomain = trustDomain;
    this.clusterId = clusterId;
  }

  String host(String namespace, String name) {
    return name + "." + namespace + ".svc." + domainSuffix;
  }

  /** A service without node localities (tests). */
  ServiceEndpoints map(ServiceInfo service, Collection<SliceInfo> slices, Function<ObjectKey, @Nullable PodInfo> pods) {
    return map(service, slices, pods, node -> null);
  }

  /**
   * The service.
   *
   * @param nodes node name to its locality ({@link KubernetesObjects#nodeLocality(Map)}), null
   *     when unknown
   */
  ServiceEndpoints map(ServiceInfo service, Collection<SliceInfo> slices, Function<ObjectKey, @Nullable PodInfo> pods,
      Function<String, @Nullable String> nodes) {
    ServiceEndpoints.Builder b = ServiceEndpoints.builder(host(service.namespace(), service.name()), service.namespace());
    b.exportTo(service.exportTo().toArray(String[]::new));
    b.trafficDistribution(service.trafficDistribution());
    for (ServiceInfo.Port p : service.ports()) {
      b.port(new ServicePort(p.number(), p.protocol(), p.name(), p.targetPort()));
    }
    if (service.externalName() != null) {
      for (ServiceInfo.Port p : service.ports()) {
        b.endpoint(p.number(), Endpoint.of(service.externalName(), p.number()));
      }
      return b.build();
    }
    for (ServiceInfo.Port p : service.ports()) {
      // Keyed by address and port: slices may list an endpoint twice while Kubernetes moves it.
      Map<String, Endpoint> endpoints = new LinkedHashMap<>();
      for (SliceInfo slice : slices) {
        int targetPort = slicePort(slice, p.name());
        if (targetPort <= 0) {
          continue;
        }
        for (SliceInfo.Address a : slice.endpoints()) {
          if (!a.ready() && !service.publishNotReadyAddresses()) {
            continue;
          }
          Endpoint e = endpoint(service.namespace(), a, targetPort, pods, nodes);
          endpoints.putIfAbsent(e.hostPort(), e);
        }
      }
      if (!endpoints.isEmpty()) {
        b.endpoint(p.number(), endpoints.values().toArray(Endpoint[]::new));
      }
    }
    return b.build();
  }

  private static int slicePort(SliceInfo slice, String name) {
    for (SliceInfo.Port sp : slice.ports()) {
      if (sp.name().equals(name)) {
        return sp.number();
      }
    }
    return -1;
  }

  private Endpoint endpoint(String namespace, SliceInfo.Address a, int port,
      Function<ObjectKey, @Nullable PodInfo> pods, Function<String, @Nullable String> nodes) {
    PodInfo pod = a.pod() == null ? null : pods.apply(new ObjectKey(namespace, a.pod()));
    Map<String, String> labels = new LinkedHashMap<>();
    String locality = null;
    if (pod != null) {
      labels.putAll(pod.labels());
      labels.put(WORKLOAD_NAME_LABEL, pod.workloadName());
      locality = KubernetesObjects.localityOverride(pod.labels());
    }
    if (locality == null && a.nodeName() != null) {
      locality = nodes.apply(a.nodeName());
    }
    if (locality != null) {
      // istiod's AugmentLabels: the locality's parts, where set, as topology labels.
      String[] parts = locality.split("/", 3);
      String[] names = {REGION_LABEL, ZONE_LABEL, SUBZONE_LABEL};
      for (int i = 0; i < parts.length; i++) {
        if (!parts[i].isEmpty()) {
          labels.put(names[i], parts[i]);
        }
      }
    }
    if (a.zone() != null) {
      labels.putIfAbsent(ZONE_LABEL, a.zone());
    }
    if (a.nodeName() != null) {
      labels.putIfAbsent(HOSTNAME_LABEL, a.nodeName());
    }
    labels.putIfAbsent(CLUSTER_LABEL, clusterId);
    // Interned: a service's Pods share one service account, so one copy serves them all.
    String principal = pod == null ? null
        : ("spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + pod.serviceAccount()).intern();
    return new Endpoint(a.address(), port, labels, 1, locality, principal);
  }
}
