package dev.mesh4j.core.internal.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@code localityLbSetting} and {@code zoneAwareLbSetting} as Istio's
 * {@code agent.ValidateLocalityLbSetting} and {@code ValidateZoneAwareLbSetting} do (most checks
 * stop at the first problem, as Istio's). mesh4j runs in one locality, so these settings are
 * validated and accepted but not applied (documented). Stateless.
 */
final class LocalityRules {
  private LocalityRules() {}

  private static final Set<String> TOPOLOGY_LABELS = Set.of("topology.kubernetes.io/region",
      "topology.kubernetes.io/zone", "topology.istio.io/subzone");

  /** @param outlier the policy's {@code outlierDetection}; failover without it is a warning */
  static void checkLocality(Node n, Node outlier) {
    if (!n.expectObject()) {
      return;
    }
    n.get("enabled").asBoolean();
    List<Node> distribute = n.get("distribute").elements();
    List<Node> failover = n.get("failover").elements();
    List<String> priority = n.get("failoverPriority").asStringList();
    if (!distribute.isEmpty() && !failover.isEmpty()) {
      n.error("can not simultaneously specify 'distribute' and 'failover'");
      return;
    }
    if (!failover.isEmpty()) {
      for (String label : priority) {
        if (TOPOLOGY_LABELS.contains(label)) {
          n.get("failoverPriority").error("can not simultaneously set 'failover' and topology "
              + "label '" + label + "' in 'failover_priority'");
          return;
        }
      }
    }
    List<String> from = new ArrayList<>();
    for (Node d : distribute) {
      if (!d.expectObject()) {
        continue;
      }
      from.add(d.text("from"));
      long total = 0;
      Node to = d.get("to");
      List<String> destinations = new ArrayList<>();
      for (Map.Entry<String, Node> e : to.entries().entrySet()) {
        destinations.add(e.getKey());
        Long w = e.getValue().asUint32();
        if (w == null) {
          continue;
        }
        if (w <= 0 || w > 100) {
          e.getValue().error("locality weight must be in range [1, 100]");
          return;
        }
        total += w;
      }
      if (total != 100) {
        to.error("total locality weight " + total + " != 100");
        return;
      }
      String why = localitiesProblem(destinations);
      if (why != null) {
        to.error(why);
      }
    }
    String why = localitiesProblem(from);
    if (why != null) {
      n.get("distribute").error(why);
    }
    if ((!failover.isEmpty() || !priority.isEmpty()) && outlier.isMissing()) {
      outlier.warn("outlier detection policy must be provided for failover");
    }
    checkFailover(failover, "locality lb failover settings must specify different regions",
        "locality lb failover only specify region",
        "locality lb failover region should not contain '*' wildcard");
  }

  /** {@code ValidateZoneAwareLbSetting}. */
  static void checkZoneAware(Node n, Node outlier) {
    if (!n.expectObject()) {
      return;
    }
    n.get("enabled").asBoolean();
    Node size = n.get("minClusterSize");
    Long min = size.asUint32();
    if (min != null && min < 1) {
      size.error("minClusterSize must be at least 1"); // the CRD's minimum
    }
    List<Node> failover = n.get("failover").elements();
    List<String> priority = n.get("failoverPriority").asStringList();
    for (String label : priority) {
      if (TOPOLOGY_LABELS.contains(label)) {
        n.get("failoverPriority").error("'failover_priority' for zone aware lb must not use "
            + "topology label '" + label + "'; region- and zone-level routing are handled automatically");
      }
    }
    if ((!failover.isEmpty() || !priority.isEmpty()) && outlier.isMissing()) {
      outlier.warn("outlier detection policy must be provided for failover");
    }
    checkFailover(failover, "zone aware lb failover settings must specify different regions",
        "zone aware lb failover only specifies region; zone and subzone failover are handled automatically",
        "zone aware lb failover region should not contain '*' wildcard");
  }

  private static void checkFailover(List<Node> failover, String same, String slash, String star) {
    for (Node f : failover) {
      if (!f.expectObject()) {
        continue;
      }
      String from = f.text("from");
      String to = f.text("to");
      if (from.equals(to)) {
        f.error(same);
      }
      if (from.contains("/") || to.contains("/")) {
        f.error(slash);
      }
      if (from.contains("*") || to.contains("*")) {
        f.error(star);
      }
    }
  }

  /**
   * {@code validateLocalities}: {@code region[/zone[/subzone]]}, at most one {@code *} and only
   * at the end, no empty part, no locality covered by an earlier one.
   */
  private static @Nullable String localitiesProblem(List<String> localities) {
    Map<String, Map<String, Map<String, Boolean>>> seen = new HashMap<>();
    for (String locality : localities) {
      long stars = locality.chars().filter(c -> c == '*').count();
      if (stars > 1 || (stars == 1 && !locality.endsWith("*"))) {
        return "locality " + locality + " wildcard '*' number can not exceed 1 and must be in the end";
      }
      if (seen.containsKey("*")) {
        return overlap(locality);
      }
      String[] items = locality.split("/", 3);
      for (String item : items) {
        if (item.isEmpty()) {
          return "locality " + locality + " must not contain empty region/zone/subzone info";
        }
      }
      String region = items[0];
      Map<String, Map<String, Boolean>> zones = seen.get(region);
      if (items.length == 1) {
        if (zones != null) {
          return overlap(locality);
        }
        seen.put(region, new HashMap<>(Map.of("*", new HashMap<>(Map.of("*", true)))));
        continue;
      }
      String zone = items[1];
      if (items.length == 2) {
        if (zones != null && (zones.containsKey("*") || zones.containsKey(zone))) {
          return overlap(locality);
        }
        seen.computeIfAbsent(region, k -> new HashMap<>()).put(zone, new HashMap<>(Map.of("*", true)));
        continue;
      }
      String subzone = items[2];
      if (zones != null) {
        if (zones.containsKey("*")) {
          return overlap(locality);
        }
        Map<String, Boolean> subzones = zones.get(zone);
        if (subzones != null) {
          if (subzones.containsKey("*") || subzones.containsKey(subzone)) {
            return overlap(locality);
          }
          subzones.put(subzone, true);
          continue;
        }
      }
      seen.computeIfAbsent(region, k -> new HashMap<>())
          .put(zone, new HashMap<>(Map.of(subzone, true)));
    }
    return null;
  }

  private static String overlap(String locality) {
    return "locality " + locality + " overlap with previous specified ones";
  }
}
