package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.DestinationRule;
import dev.mesh4j.api.config.ObjectMeta;
import dev.mesh4j.api.config.Subset;
import dev.mesh4j.api.config.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a {@code DestinationRule} spec, checked as Istio's {@code ValidateDestinationRule};
 * traffic policies are decoded by {@link TrafficPolicyDecoder}.
 */
final class DestinationRuleDecoder {
  private DestinationRuleDecoder() {}

  static DestinationRule decode(ObjectMeta meta, Node spec) {
    String host = spec.text("host");
    String why = Hosts.validateWildcardDomain(host);
    if (why != null && !spec.get("host").isUnreadable()) {
      spec.get("host").error(why);
    }
    String ns = meta.namespace();
    TrafficPolicy policy = TrafficPolicyDecoder.trafficPolicy(spec.get("trafficPolicy"), ns);
    List<Subset> subsets = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Node s : spec.get("subsets").elements()) {
      if (s.isMissing()) {
        s.error("subset may not be null");
        continue;
      }
      if (!s.expectObject()) {
        continue;
      }
      String name = s.text("name");
      if (!names.add(name)) {
        s.get("name").error("duplicate subset names: " + Quoting.escape(name));
      }
      if (name.isEmpty()) {
        s.get("name").error("subset name cannot be empty");
      } else if (!Hosts.isDns1123Label(name)) {
        s.get("name").error("subset name is invalid: " + Quoting.escape(name));
      }
      Map<String, String> labels = CommonDecoders.labels(s.get("labels"));
      TrafficPolicy subsetPolicy = TrafficPolicyDecoder.trafficPolicy(s.get("trafficPolicy"), ns);
      subsets.add(new Subset(name, labels, subsetPolicy));
    }
    Node ws = spec.get("workloadSelector");
    Map<String, String> selector = Map.of();
    if (ws.expectObject()) {
      selector = CommonDecoders.selectorLabels(ws, ws.get("matchLabels"), "");
    }
    List<String> exportTo = CommonDecoders.exportTo(spec.get("exportTo"), ns, false,
        !ws.isMissing());
    return new DestinationRule(meta, host, policy, subsets, exportTo, selector);
  }
}
