package dev.mesh4j.api.endpoint;

/**
 * How a service prefers endpoints close to the caller: Kubernetes' Service
 * {@code spec.trafficDistribution}, or Istio's annotation
 * {@code networking.istio.io/traffic-distribution}, as Istio applies them to a service whose
 * DestinationRule sets no {@code localityLbSetting} ({@code GetLocalityLbSetting}): endpoints are
 * ranked into priorities by {@code failoverPriority} labels, and traffic fails over to the next
 * priority when a closer one has no healthy endpoint — with or without outlier detection.
 */
public enum TrafficDistribution {
  /** No preference ({@code Any}, or no value): Istio's mesh-wide locality settings apply. */
  ANY,
  /**
   * {@code PreferSameZone}, and its older name {@code PreferClose}: the same network, region and
   * zone first ({@code failoverPriority} {@code topology.istio.io/network},
   * {@code topology.kubernetes.io/region}, {@code topology.kubernetes.io/zone}).
   */
  PREFER_SAME_ZONE,
  /**
   * {@code PreferSameNode}: the same node first, then the same subzone, zone, region and network
   * ({@code failoverPriority} as {@link #PREFER_SAME_ZONE} plus {@code topology.istio.io/subzone}
   * and {@code kubernetes.io/hostname}).
   */
  PREFER_SAME_NODE
}
