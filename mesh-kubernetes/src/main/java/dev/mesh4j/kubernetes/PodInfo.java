package dev.mesh4j.kubernetes;

import java.util.Map;

/**
 * What mesh4j keeps of a Pod: the labels its endpoints carry (subsets select on them) and the
 * service account its identity derives from. Immutable.
 */
record PodInfo(Map<String, String> labels, String serviceAccount) {
  PodInfo {
    labels = Map.copyOf(labels);
  }
}
