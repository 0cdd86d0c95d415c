package dev.mesh4j.kubernetes;

import dev.mesh4j.api.endpoint.TrafficDistribution;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the few fields mesh4j needs from Kubernetes objects into its compact records.
 *
 * <p>Text that repeats across objects — namespaces, label keys and values, service accounts, node
 * and zone names, and Pod names (a Pod's own, and the slice's reference to it) — is
 * {@linkplain String#intern() interned}: each object decoded from the API server carries its own
 * copies, and a hundred thousand Pods would otherwise hold a hundred thousand copies of
 * {@code app}, of their namespace and of their node's name. The JVM's string table drops what no
 * object refers to any more.
 */
final class KubernetesObjects {
  /** The label naming an EndpointSlice's service. */
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  /** Istio's annotation restricting which namespaces see a service. */
  static final String EXPORT_TO_ANNOTATION = "networking.istio.io/exportTo";
  /** Istio's annotation standing in for (and older than) a Service's {@code spec.trafficDistribution}. */
  static final String TRAFFIC_DISTRIBUTION_ANNOTATION = "networking.istio.io/traffic-distribution";
  /** Kubernetes' node labels of a node's region and zone, and their deprecated forms. */
  static final String REGION_LABEL = "topology.kubernetes.io/region";
  static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  static final String BETA_REGION_LABEL = "failure-domain.beta.kubernetes.io/region";
  static final String BETA_ZONE_LABEL = "failure-domain.beta.kubernetes.io/zone";
  /** Istio's node label of a node's subzone. */
  static final String SUBZONE_LABEL = "topology.istio.io/subzone";

  private KubernetesObjects() {}

  static ObjectKey key(ObjectMeta meta) {
    return new ObjectKey(shared(nullToEmpty(meta.getNamespace())), shared(meta.getName()));
  }

  static ServiceInfo service(Service service) {
    ObjectMeta meta = service.getMetadata();
    ServiceSpec spec = service.getSpec();
    List<ServiceInfo.Port> ports = new ArrayList<>();
    String externalName = null;
    boolean publishNotReady = false;
    if (spec != null) {
      if ("ExternalName".equals(spec.getType()) && spec.getExternalName() != null
          && !spec.getExternalName().isEmpty()) {
        externalName = spec.getExternalName();
      }
      publishNotReady = Boolean.TRUE.equals(spec.getPublishNotReadyAddresses());
      if (spec.getPorts() != null) {
        for (ServicePort p : spec.getPorts()) {
          if (!isPort(p.getPort())) {
            continue; // the API server refuses it; a port no connection can use
          }
          String name = nullToEmpty(p.getName());
          IntOrString target = p.getTargetPort();
          Integer targetPort;
          if (target == null) {
            targetPort = p.getPort(); // Kubernetes defaults targetPort to port
          } else if (target.getIntVal() != null) {
            targetPort = isPort(target.getIntVal()) ? target.getIntVal() : p.getPort();
          } else if (target.getStrVal() != null && isNumber(target.getStrVal())) {
            targetPort = isPort(Integer.valueOf(target.getStrVal())) ? Integer.valueOf(target.getStrVal()) : p.getPort();
          } else {
            targetPort = null; // a container port name: the EndpointSlice says which number
          }
          ports.add(new ServiceInfo.Port(name, p.getPort(),
              ServiceProtocols.of(p.getPort(), name, p.getProtocol(), p.getAppProtocol()), targetPort));
        }
      }
    }
    return new ServiceInfo(shared(nullToEmpty(meta.getNamespace())), shared(meta.getName()), externalName, ports,
        exportTo(meta.getAnnotations()), publishNotReady,
        trafficDistribution(spec == null ? null : spec.getTrafficDistribution(), meta.getAnnotations()));
  }

  /**
   * A Service's traffic distribution as Istio reads it ({@code GetTrafficDistribution}): the
   * field {@code spec.trafficDistribution} when it is {@code PreferSameZone}, {@code PreferClose}
   * (its older name) or {@code PreferSameNode}; else the annotation
   * {@value #TRAFFIC_DISTRIBUTION_ANNOTATION} with those values in any case; else {@code ANY}.
   */
  static TrafficDistribution trafficDistribution(@Nullable String field, @Nullable Map<String, String> annotations) {
    if (field != null) {
      switch (field) {
        case "PreferSameZone", "PreferClose" -> {
          return TrafficDistribution.PREFER_SAME_ZONE;
        }
        case "PreferSameNode" -> {
          return TrafficDistribution.PREFER_SAME_NODE;
        }
        default -> {
          // Not one Istio knows: the annotation may still say.
        }
      }
    }
    String value = annotations == null ? null : annotations.get(TRAFFIC_DISTRIBUTION_ANNOTATION);
    if (value == null) {
      return TrafficDistribution.ANY;
    }
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "preferclose", "prefersamezone" -> TrafficDistribution.PREFER_SAME_ZONE;
      case "prefersamenode" -> TrafficDistribution.PREFER_SAME_NODE;
      default -> TrafficDistribution.ANY;
    };
  }

  static List<String> exportTo(@Nullable Map<String, String> annotations) {
    String value = annotations == null ? null : annotations.get(EXPORT_TO_ANNOTATION);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String part : value.split(",")) {
      String n = part.trim();
      if (!n.isEmpty()) {
        out.add(n);
      }
    }
    return out;
  }

  /** The slice, or null when it serves no service mesh4j can use (no service label, FQDN addresses). */
  static @Nullable SliceInfo slice(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String serviceName = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
    if (serviceName == null || serviceName.isEmpty()) {
      return null;
    }
    if ("FQDN".equals(slice.getAddressType())) {
      return null; // deprecated by Kubernetes, and skipped by istiod too
    }
    List<SliceInfo.Port> ports = new ArrayList<>();
    if (slice.getPorts() != null) {
      for (EndpointPort p : slice.getPorts()) {
        if (isPort(p.getPort()) && !"UDP".equals(p.getProtocol())) {
          ports.add(new SliceInfo.Port(nullToEmpty(p.getName()), p.getPort()));
        }
      }
    }
    List<SliceInfo.Address> endpoints = new ArrayList<>();
    if (slice.getEndpoints() != null) {
      for (Endpoint e : slice.getEndpoints()) {
        if (e.getAddresses() == null || e.getAddresses().isEmpty() || e.getAddresses().get(0) == null
            || e.getAddresses().get(0).isEmpty()) {
          continue;
        }
        EndpointConditions c = e.getConditions();
        // Unset means ready (Kubernetes: "interpret this unknown state as ready").
        boolean ready = c == null || c.getReady() == null || c.getReady();
        ObjectReference ref = e.getTargetRef();
        String pod = ref != null && "Pod".equals(ref.getKind()) ? ref.getName() : null;
        endpoints.add(new SliceInfo.Address(e.getAddresses().get(0), ready, shared(pod), shared(e.getNodeName()),
            shared(e.getZone())));
      }
    }
    return new SliceInfo(shared(serviceName), ports, endpoints);
  }

  static PodInfo pod(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    Map<String, String> shared = new HashMap<>();
    if (labels != null) {
      labels.forEach((k, v) -> shared.put(shared(k), shared(v)));
    }
    String sa = pod.getSpec() == null ? null : pod.getSpec().getServiceAccountName();
    return new PodInfo(shared, sa == null || sa.isEmpty() ? "default" : shared(sa), shared(workloadName(pod)));
  }

  /**
   * A node's locality, {@code region/zone/subzone}, as istiod reads it from the node's labels
   * ({@code getPodLocality}): {@value #REGION_LABEL} (else the deprecated
   * {@value #BETA_REGION_LABEL}), {@value #ZONE_LABEL} (else {@value #BETA_ZONE_LABEL}) and
   * {@value #SUBZONE_LABEL}; null when the node has none of them. Interned: a zone's nodes share
   * one copy.
   */
  static @Nullable String nodeLocality(@Nullable Map<String, String> labels) {
    if (labels == null) {
      return null;
    }
    String region = label(labels, REGION_LABEL, BETA_REGION_LABEL);
    String zone = label(labels, ZONE_LABEL, BETA_ZONE_LABEL);
    String subzone = label(labels, SUBZONE_LABEL, null);
    if (region.isEmpty() && zone.isEmpty() && subzone.isEmpty()) {
      return null;
    }
    return (region + "/" + zone + "/" + subzone).intern();
  }

  /** A node's locality ({@link #nodeLocality(Map)}). */
  static @Nullable String nodeLocality(Node node) {
    return node.getMetadata() == null ? null : nodeLocality(node.getMetadata().getLabels());
  }

  /** istiod's {@code getLabelValue}: the label, else its fallback, else empty. */
  private static String label(Map<String, String> labels, String name, @Nullable String fallback) {
    String v = labels.get(name);
    if (v != null && !v.isEmpty()) {
      return v;
    }
    v = fallback == null ? null : labels.get(fallback);
    return v == null ? "" : v;
  }

  /**
   * A Pod's own locality, Istio's override of its node's: the label
   * {@code topology.istio.io/locality} when present, else the legacy {@code istio-locality}
   * ({@code region.zone.subzone}: Kubernetes label values allow no {@code /}, so dots stand for
   * slashes unless the value has a slash), as Istio's {@code GetLocalityLabel} and
   * {@code SanitizeLocalityLabel}; null when empty or not set.
   */
  static @Nullable String localityOverride(Map<String, String> podLabels) {
    String l = podLabels.containsKey(ServiceMapper.TOPOLOGY_LOCALITY_LABEL)
        ? podLabels.get(ServiceMapper.TOPOLOGY_LOCALITY_LABEL) : podLabels.get(ServiceMapper.LOCALITY_LABEL);
    if (l == null || l.isEmpty()) {
      return null;
    }
    return (l.contains("/") ? l : l.replace('.', '/')).intern();
  }

  /** The one copy of {@code s} (see the class comment), or null. */
  static @Nullable String shared(@Nullable String s) {
    return s == null ? null : s.intern();
  }

  /**
   * The name of the workload a Pod belongs to, as istiod derives it for the endpoint metadata
   * sidecars report as {@code destination_workload} ({@code kube.GetWorkloadMetaFromPod}): the
   * Pod's {@code service.istio.io/workload-name} label when it has one; else, for a Pod whose
   * name was generated, its controller: a ReplicaSet named after the Pod's
   * {@code pod-template-hash} (or Argo's {@code rollouts-pod-template-hash}) stands for its
   * Deployment (or Rollout), whose name is the ReplicaSet's without the hash; a ReplicationController
   * of an OpenShift DeploymentConfig for the {@code deploymentconfig} label; a Job named
   * {@code <name>-<8 to 10 digits>} for its CronJob {@code <name>}; any other controller
   * (StatefulSet, DaemonSet, Job) by its own name; else the Pod's name.
   */
  static String workloadName(Pod pod) {
    ObjectMeta meta = pod.getMetadata();
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
    String override = labels.get(ServiceMapper.WORKLOAD_NAME_LABEL);
    if (override != null) {
      return override;
    }
    String name = meta.getName() == null ? "" : meta.getName();
    if (meta.getGenerateName() == null || meta.getGenerateName().isEmpty() || meta.getOwnerReferences() == null) {
      return name;
    }
    OwnerReference controller = null;
    for (OwnerReference ref : meta.getOwnerReferences()) {
      if (ref != null && Boolean.TRUE.equals(ref.getController())) {
        controller = ref;
        break;
      }
    }
    if (controller == null || controller.getName() == null || controller.getName().isEmpty()) {
      return name;
    }
    String owner = controller.getName();
    String kind = controller.getKind();
    String hash = labels.get("pod-template-hash");
    String rolloutHash = labels.get("rollouts-pod-template-hash");
    if ("ReplicaSet".equals(kind) && hash != null && !hash.isEmpty() && owner.endsWith(hash)) {
      return trimSuffix(owner, "-" + hash);
    } else if ("ReplicaSet".equals(kind) && rolloutHash != null && !rolloutHash.isEmpty()
        && owner.endsWith(rolloutHash)) {
      return trimSuffix(owner, "-" + rolloutHash);
    } else if ("ReplicationController".equals(kind) && labels.get("deploymentconfig") != null
        && !labels.get("deploymentconfig").isEmpty()) {
      return labels.get("deploymentconfig");
    } else if ("Job".equals(kind)) {
      return cronJobName(owner);
    }
    return owner;
  }

  /** Go's {@code strings.TrimSuffix}: {@code s} without {@code suffix} if it ends with it. */
  private static String trimSuffix(String s, String suffix) {
    return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
  }

  /**
   * A CronJob's Job is named {@code <cronjob>-<scheduled time in minutes>}: Istio's
   * {@code (.+)-\d{8,10}$}, matched by hand (no regex per Pod event).
   */
  private static String cronJobName(String job) {
    int digits = 0;
    int i = job.length() - 1;
    while (i >= 0 && job.charAt(i) >= '0' && job.charAt(i) <= '9') {
      digits++;
      i--;
    }
    // The 8..10 digits must follow a '-' that has at least one character before it; a longer run
    // of digits has no '-' right before its last 8..10.
    if (digits >= 8 && digits <= 10 && i >= 1 && job.charAt(i) == '-') {
      return job.substring(0, i);
    }
    return job;
  }

  /** Whether a port number can be one (the API server refuses others; a misbehaving one may not). */
  private static boolean isPort(@Nullable Integer port) {
    return port != null && port >= 1 && port <= 65535;
  }

  private static boolean isNumber(String s) {
    if (s.isEmpty() || s.length() > 5) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  static String nullToEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }
}
