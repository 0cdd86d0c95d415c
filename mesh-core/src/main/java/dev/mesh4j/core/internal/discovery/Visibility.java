package dev.mesh4j.core.internal.discovery;

import dev.mesh4j.api.config.IstioResource;
import java.util.List;
import java.util.Map;

/** Which resources a workload sees: {@code exportTo} and workload selectors, as Istio applies them. */
public final class Visibility {
  private Visibility() {}

  /**
   * Whether a resource of {@code resourceNamespace} with this {@code exportTo} is visible in
   * {@code workloadNamespace}: empty or {@code "*"} = everywhere, {@code "."} = its own
   * namespace, otherwise the listed namespaces; a ServiceEntry's {@code "~"} = no one (Istio
   * leaves it to the service's own proxies, which a client is not).
   */
  public static boolean exported(List<String> exportTo, String resourceNamespace, String workloadNamespace) {
    if (exportTo.isEmpty()) {
      return true;
    }
    for (String e : exportTo) {
      if (e.equals("*") || e.equals(workloadNamespace)
          || (e.equals(".") && resourceNamespace.equals(workloadNamespace))) {
        return true;
      }
    }
    return false;
  }

  public static boolean exported(IstioResource r, String workloadNamespace) {
    return exported(r.exportTo(), r.metadata().namespace(), workloadNamespace);
  }

  /** Whether every selector label is among the labels (an empty selector selects all). */
  public static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
