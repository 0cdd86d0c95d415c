package dev.mesh4j.api.runtime;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.OutboundTrafficPolicy;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The workload mesh4j runs in: what an Istio sidecar would know about its pod. It decides
 * {@code sourceLabels}, {@code sourceNamespace} and {@code gateways} matches, {@code exportTo}
 * visibility, {@code workloadSelector}s, short-name resolution and the {@code source_*}
 * metric labels. Immutable.
 *
 * @param namespace the workload's namespace (default {@code default})
 * @param name the workload name, or null when unknown
 * @param labels the workload's labels, e.g. {@code app} and {@code version}
 * @param serviceAccount the service account (default {@code default})
 * @param clusterId the cluster id (default {@code Kubernetes}, as Istio's)
 * @param ip the workload's IP (hashed by {@code useSourceIp}), or null for the local host's
 * @param domainSuffix the cluster domain (default {@code cluster.local})
 * @param gateways the gateways this workload acts as (default only {@code mesh})
 * @param outboundTrafficPolicy the mesh-wide outbound policy, or null for Istio's default
 *     ({@code ALLOW_ANY}); a {@code Sidecar} selecting this workload overrides it
 * @param trustDomain the mesh's trust domain (default {@code cluster.local}, Istio's
 *     {@code meshConfig.trustDomain}): the SPIFFE IDs {@code spiffe://<trustDomain>/ns/<ns>/sa/<sa>}
 *     that mesh4j expects of workloads known by their service account (a {@code WorkloadEntry}'s
 *     {@code serviceAccount})
 */
public record Workload(
    String namespace,
    @Nullable String name,
    Map<String, String> labels,
    String serviceAccount,
    String clusterId,
    @Nullable String ip,
    String domainSuffix,
    Set<String> gateways,
    @Nullable OutboundTrafficPolicy outboundTrafficPolicy,
    String trustDomain) {

  /** The namespace of a workload that does not say. */
  public static final String DEFAULT_NAMESPACE = "default";
  /** The cluster domain of a workload that does not say. */
  public static final String DEFAULT_DOMAIN_SUFFIX = "cluster.local";
  /** The gateway name meaning "the sidecar of an ordinary workload". */
  public static final String MESH_GATEWAY = "mesh";
  /** The label naming a workload's or endpoint's region (Kubernetes topology). */
  public static final String REGION_LABEL = "topology.kubernetes.io/region";
  /** The label naming a workload's or endpoint's zone (Kubernetes topology). */
  public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  /** The label naming a workload's or endpoint's subzone (Istio's topology label). */
  public static final String SUBZONE_LABEL = "topology.istio.io/subzone";
  /** The trust domain of a mesh that does not say (Istio's default). */
  public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

  public Workload {
    requireNonNull(namespace, "namespace");
    labels = labels == null || labels.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    requireNonNull(serviceAccount, "serviceAccount");
    requireNonNull(clusterId, "clusterId");
    requireNonNull(domainSuffix, "domainSuffix");
    gateways = gateways == null || gateways.isEmpty()
        ? Set.of(MESH_GATEWAY)
        : Collections.unmodifiableSet(new LinkedHashSet<>(gateways));
    requireNonNull(trustDomain, "trustDomain");
  }

  /** A workload in the default trust domain ({@code cluster.local}). */
  public Workload(String namespace, @Nullable String name, Map<String, String> labels, String serviceAccount,
      String clusterId, @Nullable String ip, String domainSuffix, Set<String> gateways,
      @Nullable OutboundTrafficPolicy outboundTrafficPolicy) {
    this(namespace, name, labels, serviceAccount, clusterId, ip, domainSuffix, gateways, outboundTrafficPolicy,
        DEFAULT_TRUST_DOMAIN);
  }

  /**
   * The SPIFFE ID istiod gives a workload of service account {@code serviceAccount} in
   * {@code namespace}: {@code spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>}.
   */
  public String spiffeId(String namespace, String serviceAccount) {
    return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  /** A workload in namespace {@code default}, with no labels, acting as {@code mesh}. */
  public static Workload defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this workload's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.namespace = namespace;
    b.name = name;
    b.labels.putAll(labels);
    b.serviceAccount = serviceAccount;
    b.clusterId = clusterId;
    b.ip = ip;
    b.domainSuffix = domainSuffix;
    b.gateways.addAll(gateways);
    b.outboundTrafficPolicy = outboundTrafficPolicy;
    b.trustDomain = trustDomain;
    return b;
  }

  /**
   * The workload's locality, {@code region/zone/subzone}, as istiod derives a proxy's
   * ({@code localityFromProxyLabels}): from the labels {@value #REGION_LABEL},
   * {@value #ZONE_LABEL} and {@value #SUBZONE_LABEL} when any is present, else from
   * {@code topology.istio.io/locality} or the legacy {@code istio-locality} label
   * ({@code region.zone.subzone}, dots read as slashes); null when none says.
   * {@code localityLbSetting} ranks endpoints relative to it.
   */
  public @Nullable String locality() {
    String region = labels.get(REGION_LABEL);
    String zone = labels.get(ZONE_LABEL);
    String subzone = labels.get(SUBZONE_LABEL);
    if (region != null || zone != null || subzone != null) {
      return (region == null ? "" : region) + "/" + (zone == null ? "" : zone) + "/"
          + (subzone == null ? "" : subzone);
    }
    String label = labels.get("topology.istio.io/locality");
    if (label == null) {
      label = labels.get("istio-locality");
    }
    if (label == null || label.isEmpty()) {
      return null;
    }
    return label.contains("/") ? label : label.replace('.', '/');
  }

  /** Whether this workload acts as the named gateway ({@code mesh} for an ordinary sidecar). */
  public boolean actsAs(String gateway) {
    return gateways.contains(gateway);
  }

  /** Builds a {@link Workload}. Not thread-safe. */
  public static final class Builder {
    private String namespace = DEFAULT_NAMESPACE;
    private @Nullable String name;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String serviceAccount = "default";
    private String clusterId = "Kubernetes";
    private @Nullable String ip;
    private String domainSuffix = DEFAULT_DOMAIN_SUFFIX;
    private final Set<String> gateways = new LinkedHashSet<>();
    private @Nullable OutboundTrafficPolicy outboundTrafficPolicy;
    private String trustDomain = DEFAULT_TRUST_DOMAIN;

    private Builder() {}

    public Builder namespace(String namespace) {
      this.namespace = requireNonNull(namespace, "namespace");
      return this;
    }

    public Builder name(String name) {
      this.name = requireNonNull(name, "name");
      return this;
    }

    public Builder label(String name, String value) {
      labels.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      this.labels.putAll(labels);
      return this;
    }

    /**
     * The workload's locality, {@code region}, {@code region/zone} or {@code region/zone/subzone}:
     * sets the topology labels {@link Workload#locality()} reads, as istiod adds them to a
     * proxy's labels. Empty parts are left unset, so a zone without a region, as a Kubernetes
     * node labelled with only its zone has it, is {@code /zone}.
     */
    public Builder locality(String locality) {
      requireNonNull(locality, "locality");
      String[] parts = locality.split("/", -1);
      if (parts.length > 3 || String.join("", parts).isEmpty()) {
        throw new IllegalArgumentException(
            "locality: \"" + locality + "\" (expected: region[/zone[/subzone]])");
      }
      String[] names = {REGION_LABEL, ZONE_LABEL, SUBZONE_LABEL};
      for (int i = 0; i < parts.length; i++) {
        if (!parts[i].isEmpty()) {
          labels.put(names[i], parts[i]);
        }
      }
      return this;
    }

    public Builder serviceAccount(String serviceAccount) {
      this.serviceAccount = requireNonNull(serviceAccount, "serviceAccount");
      return this;
    }

    public Builder clusterId(String clusterId) {
      this.clusterId = requireNonNull(clusterId, "clusterId");
      return this;
    }

    public Builder ip(String ip) {
      this.ip = requireNonNull(ip, "ip");
      return this;
    }

    public Builder domainSuffix(String domainSuffix) {
      this.domainSuffix = requireNonNull(domainSuffix, "domainSuffix");
      return this;
    }

    /**
     * The gateways this workload acts as. An ordinary workload acts as {@code mesh} only (the
     * default); an edge application names its gateway, plus {@code mesh} if it also wants the
     * in-mesh routes.
     */
    public Builder gateways(String... gateways) {
      this.gateways.clear();
      for (String g : gateways) {
        this.gateways.add(requireNonNull(g, "gateway"));
      }
      return this;
    }

    public Builder outboundTrafficPolicy(OutboundTrafficPolicy policy) {
      this.outboundTrafficPolicy = requireNonNull(policy, "policy");
      return this;
    }

    /** The mesh's trust domain (default {@code cluster.local}, Istio's). */
    public Builder trustDomain(String trustDomain) {
      requireNonNull(trustDomain, "trustDomain");
      if (trustDomain.isEmpty() || trustDomain.contains("/")) {
        throw new IllegalArgumentException("trustDomain: \"" + trustDomain + "\" (expected: a name such as cluster.local)");
      }
      this.trustDomain = trustDomain;
      return this;
    }

    public Workload build() {
      return new Workload(namespace, name, labels, serviceAccount, clusterId, ip, domainSuffix,
          gateways, outboundTrafficPolicy, trustDomain);
    }
  }
}
