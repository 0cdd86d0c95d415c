package dev.mesh4j.core.internal.cluster;

import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.TrafficPolicy;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Problems;
import dev.mesh4j.core.internal.discovery.Visibility;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which DestinationRule applies to a service, as Istio decides for a sidecar
 * ({@code PushContext.destinationRule}, {@code SidecarScope.DestinationRule}): rules in the
 * workload's namespace first, then in the service's namespace, then in the root namespace;
 * within one, an exact host beats the most specific wildcard; a rule whose
 * {@code workloadSelector} selects the workload beats one without. Rules for the same host in the
 * same namespace are merged: subsets are united (the first definition of a name wins) and the
 * top-level policy is the first rule's.
 */
public final class DestinationRuleIndex {
  /** Istio's default root namespace (MeshConfig.rootNamespace). */
  public static final String ROOT_NAMESPACE = "istio-system";

  private final Workload workload;
  private final List<Rule> rules = new ArrayList<>();
  /** Rules with an exact host, by namespace and host: a service's lookup costs no scan of all rules. */
  private final Map<String, Map<String, List<Rule>>> exact = new HashMap<>();
  /** Rules with a wildcard host, by namespace. */
  private final Map<String, List<Rule>> wildcards = new HashMap<>();

  /** A (possibly merged) rule with its resolved host. */
  public record Rule(String host, String namespace, DestinationRule first, @Nullable TrafficPolicy policy,
      List<Subset> subsets, boolean selected) {
    public @Nullable Subset subset(String name) {
      for (Subset s : subsets) {
        if (s.name().equals(name)) {
          return s;
        }
      }
      return null;
    }
  }

  /** @param ordered visible-or-not rules, in precedence order (oldest first) */
  public DestinationRuleIndex(List<DestinationRule> ordered, Workload workload, Problems problems) {
    this.workload = workload;
    Map<String, Rule> merged = new LinkedHashMap<>();
    for (DestinationRule dr : ordered) {
      if (!Visibility.exported(dr, workload.namespace())) {
        continue;
      }
      boolean hasSelector = !dr.workloadSelector().isEmpty();
      if (hasSelector && (!dr.metadata().namespace().equals(workload.namespace())
          || !Visibility.selects(dr.workloadSelector(), workload.labels()))) {
        continue;
      }
      String host = Hosts.resolve(dr.host(), dr.metadata().namespace(), workload.domainSuffix());
      String key = dr.metadata().namespace() + "|" + host + "|" + hasSelector;
      Rule prev = merged.get(key);
      if (prev == null) {
        merged.put(key, new Rule(host, dr.metadata().namespace(), dr, dr.trafficPolicy(), dr.subsets(), hasSelector));
        continue;
      }
      List<Subset> subsets = new ArrayList<>(prev.subsets());
      for (Subset s : dr.subsets()) {
        if (prev.subset(s.name()) != null) {
          problems.warn(dr.metadata().origin(), "spec.subsets", "subset " + s.name() + " of " + host
              + " is already defined by DestinationRule " + prev.first().metadata().qualifiedName()
              + "; this definition is ignored");
        } else {
          subsets.add(s);
        }
      }
      if (dr.trafficPolicy() != null && prev.policy() != null) {
        problems.warn(dr.metadata().origin(), "spec.trafficPolicy", "DestinationRule "
            + prev.first().metadata().qualifiedName() + " already sets the traffic policy of " + host
            + "; this one is ignored (Istio merges only subsets)");
      }
      merged.put(key, new Rule(host, prev.namespace(), prev.first(),
          prev.policy() != null ? prev.policy() : dr.trafficPolicy(), subsets, hasSelector));
    }
    rules.addAll(merged.values());
    for (Rule r : rules) {
      if (r.host().startsWith("*")) {
        wildcards.computeIfAbsent(r.namespace(), n -> new ArrayList<>()).add(r);
      } else {
        exact.computeIfAbsent(r.namespace(), n -> new HashMap<>())
            .computeIfAbsent(r.host(), h -> new ArrayList<>()).add(r);
      }
    }
  }

  /** The rule for a service, or null. */
  public @Nullable Rule forService(String hostname, String serviceNamespace) {
    for (String ns : new String[] {workload.namespace(), serviceNamespace, ROOT_NAMESPACE}) {
      Rule r = best(hostname, ns);
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  private @Nullable Rule best(String hostname, String namespace) {
    Rule best = null;
    Map<String, List<Rule>> byHost = exact.get(namespace);
    for (Rule r : byHost == null ? List.<Rule>of() : byHost.getOrDefault(hostname, List.of())) {
      if (best == null || better(r, best, hostname)) {
        best = r;
      }
    }
    for (Rule r : wildcards.getOrDefault(namespace, List.of())) {
      if (covers(r.host(), hostname) && (best == null || better(r, best, hostname))) {
        best = r;
      }
    }
    return best;
  }

  private static boolean better(Rule a, Rule b, String hostname) {
    boolean aExact = a.host().equals(hostname);
    boolean bExact = b.host().equals(hostname);
    if (aExact != bExact) {
      return aExact;
    }
    if (a.host().length() != b.host().length()) {
      return a.host().length() > b.host().length();
    }
    return a.selected() && !b.selected();
  }

  /** Whether a rule host covers a service host (exact, or a wildcard suffix, incl. narrower wildcards). */
  static boolean covers(String ruleHost, String serviceHost) {
    if (ruleHost.equals(serviceHost) || ruleHost.equals("*")) {
      return true;
    }
    if (!ruleHost.startsWith("*")) {
      return false;
    }
    String suffix = ruleHost.substring(1);
    return serviceHost.endsWith(suffix) && serviceHost.length() > suffix.length();
  }

  /** Every rule, for explain and warnings. */
  public List<Rule> rules() {
    return List.copyOf(rules);
  }
}
