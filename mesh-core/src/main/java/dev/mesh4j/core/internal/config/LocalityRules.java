package dev.mesh4j.core.internal.config;

import java.util.ArrayList;
import dev.mesh4j.api.config.LocalityLbSetting;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@code localityLbSetting} and {@code zoneAwareLbSetting} as Istio's
 * {@code agent.ValidateLocalityLbSetting} and {@code ValidateZoneAwareLbSetting} do (most checks
 * stop at the first problem, as Istio's) and decodes {@code localityLbSetting}, which the
 * balancers apply; {@code zoneAwareLbSetting} is validated and accepted, not applied
 * (documented). Stateless.
 */
final class LocalityRules {
  private LocalityRules() {}

  private static final Set<String> TOPOLOGY_LABELS = Set.of("topology.kubernetes.io/region",
      "topology.kubernetes.io/zone", "topology.istio.io/subzone");

  /**
   * Decodes {@code localityLbSetting} and checks it.
   *
   * @param outlier the policy's {@code outlierDetection}; failover without it is a warning
   * @return the setting as written (invalid values kept, after their error), or null when absent
   */
  static @Nullable LocalityLbSetting checkLocality(Node n, Node outlier) {
    if (!n.expectObject()) {
      return null;
    }
    Boolean enabled = n.get("enabled").asBoolean();
    List<Node> distribute = n.get("distribute").elements();
    List<Node> failover = n.get("failover").elements();
    List<String> priority = n.get("failoverPriority").asStringList();
    List<LocalityLbSetting.Distribute> distributeOut = new ArrayList<>();
    List<Node> distributeObjects = new ArrayList<>();
    List<Map<String, Node>> distributeTo = new ArrayList<>();
    for (Node d : distribute) {
      if (!d.expectObject()) {
        continue;
      }
      Map<String, Integer> to = new LinkedHashMap<>();
      Map<String, Node> toNodes = d.get("to").entries();
      for (Map.Entry<String, Node> e : toNodes.entrySet()) {
        Long w = e.getValue().asUint32();
        if (w != null && w <= Integer.MAX_VALUE) {
          to.put(e.getKey(), w.intValue());
        }
      }
      distributeOut.add(new LocalityLbSetting.Distribute(d.text("from"), to));
      distributeObjects.add(d);
      distributeTo.add(toNodes);
    }
    List<LocalityLbSetting.Failover> failoverOut = new ArrayList<>();
    List<Node> failoverObjects = new ArrayList<>();
    for (Node f : failover) {
      if (f.expectObject()) {
        failoverOut.add(new LocalityLbSetting.Failover(f.text("from"), f.text("to")));
        failoverObjects.add(f);
      }
    }
    LocalityLbSetting setting = new LocalityLbSetting(enabled, distributeOut, failoverOut, priority);
    check(n, setting, distributeObjects, distributeTo, failoverObjects, outlier);
    return setting;
  }

  /** {@code ValidateLocalityLbSetting} over the decoded values, errors at their nodes. */
  private static void check(Node n, LocalityLbSetting setting, List<Node> distribute,
      List<Map<String, Node>> distributeTo, List<Node> failover, Node outlier) {
    List<String> priority = setting.failoverPriority();
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
    for (int i = 0; i < distribute.size(); i++) {
      Node d = distribute.get(i);
      from.add(setting.distribute().get(i).from());
      long total = 0;
      Node to = d.get("to");
      List<String> destinations = new ArrayList<>();
      for (Map.Entry<String, Node> e : distributeTo.get(i).entrySet()) {
        destinations.add(e.getKey());
        Integer w = setting.distribute().get(i).to().get(e.getKey());
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
    List<String[]> pairs = new ArrayList<>();
    for (LocalityLbSetting.Failover f : setting.failover()) {
      pairs.add(new String[] {f.from(), f.to()});
    }
    checkFailover(failover, pairs, "locality lb failover settings must specify different regions",
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
    List<Node> objects = new ArrayList<>();
    List<String[]> pairs = new ArrayList<>();
    for (Node f : failover) {
      if (f.expectObject()) {
        objects.add(f);
        pairs.add(new String[] {f.text("from"), f.text("to")});
      }
    }
    checkFailover(objects, pairs, "zone aware lb failover settings must specify different regions",
        "zone aware lb failover only specifies region; zone and subzone failover are handled automatically",
        "zone aware lb failover region should not contain '*' wildcard");
  }

  private static void checkFailover(List<Node> failover, List<String[]> pairs, String same,
      String slash, String star) {
    for (int i = 0; i < failover.size(); i++) {
      Node f = failover.get(i);
      String from = pairs.get(i)[0];
      String to = pairs.get(i)[1];
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
