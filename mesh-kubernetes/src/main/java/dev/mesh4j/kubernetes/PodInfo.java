package dev.mesh4j.kubernetes;

import java.util.Map;

/**
 * What mesh4j keeps of a Pod: the labels its endpoints carry (subsets select on them), the
 * service account its identity derives from, and the name of the workload it belongs to (what
 * Istio's metrics call {@code destination_workload}, {@link KubernetesObjects#workloadName}).
 * Immutable.
 */
record PodInfo(Map<String, String> labels, String serviceAccount, String workloadName) {
  PodInfo {
    labels = Map.copyOf(labels);
  }
}
