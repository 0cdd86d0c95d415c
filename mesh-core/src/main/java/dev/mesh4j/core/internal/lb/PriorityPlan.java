package dev.mesh4j.core.internal.lb;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.LocalityLbSetting;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.endpoint.TrafficDistribution;
import dev.mesh4j.api.runtime.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What istiod does to a cluster's endpoints for one calling workload before Envoy balances over
 * them ({@code pilot/pkg/networking/core/loadbalancer/loadbalancer.go}
 * {@code ApplyLocalityLoadBalancer}, {@code ApplyToCluster}): each host's priority level, the
 * locality group it belongs to and each group's weight, and whether Envoy balances by locality
 * weight ({@code locality_weighted_lb_config}). The balancer then does what Envoy does with
 * priorities and localities ({@link PriorityLoad}).
 *
 * <ul>
 *   <li>No {@code localityLbSetting}: Istio's mesh default ({@code localityLbSetting.enabled:
 *       true}) applies; {@code enabled: false} turns locality balancing off (one priority).
 *   <li>{@code distribute}: the first entry whose {@code from} matches the workload's locality
 *       gives each matched destination locality {@code ceil(localityWeight × percent / sum)} as
 *       its weight ({@code applyLocalityWeights}); endpoints in localities it does not name are
 *       dropped. No priorities.
 *   <li>Otherwise, only with outlier detection (Envoy would never leave a priority without it):
 *       {@code failoverPriority} ranks endpoints by how many of the labels, in order, equal the
 *       workload's ({@code applyFailoverPriorityPerLocality}); then (if no labels, or if
 *       {@code failover} is also set) the locality ranks: same region, zone and subzone 0, same
 *       zone 1, same region 2, another region 3, and with a {@code failover} entry for the
 *       workload's region every region other than its {@code to} 4 ({@code applyLocalityFailover}).
 *       Ranks are composed and compacted to 0..n−1, as Istio does.
 *   <li>Locality-weighted balancing is on when {@code distribute} is set, or {@code failover} or
 *       {@code failoverPriority} is set with outlier detection; a group's weight is the sum of
 *       its endpoints' weights (istiod's {@code refreshWeight}) unless {@code distribute} set it.
 * </ul>
 *
 * <p>A service's {@link TrafficDistribution} stands in for a missing {@code localityLbSetting}, as
 * istiod's {@code GetLocalityLbSetting} does: {@code PREFER_SAME_ZONE} is {@code failoverPriority}
 * network, region, zone and {@code PREFER_SAME_NODE} network, region, zone, subzone, hostname,
 * with failover forced on whether or not the cluster has outlier detection.
 *
 * <p>An endpoint's locality is {@link Endpoint#locality()}, else read from its labels as
 * {@link Workload#locality()} reads the workload's. Immutable and thread-safe; built off the
 * request path.
 */
public final class PriorityPlan {
  /** One priority, no locality weights: every host is balanced over alike. */
  public static final PriorityPlan SINGLE = new PriorityPlan(new int[0], new int[0], new long[0], new int[0], 1, false);

  /** Per host: its priority, or -1 when {@code distribute} dropped it. */
  private final int[] priority;
  /** Per host: its locality group. */
  private final int[] group;
  /** Per group: its locality weight. */
  private final long[] groupWeight;
  /** Per group: its priority. */
  private final int[] groupPriority;
  private final int priorities;
  private final boolean localityWeighted;

  private PriorityPlan(int[] priority, int[] group, long[] groupWeight, int[] groupPriority,
      int priorities, boolean localityWeighted) {
    this.priority = priority;
    this.group = group;
    this.groupWeight = groupWeight;
    this.groupPriority = groupPriority;
    this.priorities = priorities;
    this.localityWeighted = localityWeighted;
  }

  /** Istio's failover priorities for {@code PreferSameZone} ({@code GetLocalityLbSetting}). */
  static final List<String> SAME_ZONE = List.of("topology.istio.io/network", Workload.REGION_LABEL,
      Workload.ZONE_LABEL);
  /** Istio's failover priorities for {@code PreferSameNode}. */
  static final List<String> SAME_NODE = List.of("topology.istio.io/network", Workload.REGION_LABEL,
      Workload.ZONE_LABEL, Workload.SUBZONE_LABEL, "kubernetes.io/hostname");

  /**
   * The plan for these hosts of one cluster of a service with a traffic distribution: the
   * cluster's {@code localityLbSetting} when it has one, else what {@code distribution} stands
   * for (see the class comment), else the mesh default.
   *
   * @param outlierDetection whether the cluster has outlier detection
   */
  public static PriorityPlan of(@Nullable LocalityLbSetting setting, TrafficDistribution distribution,
      boolean outlierDetection, Workload workload, List<UpstreamHost> hosts) {
    requireNonNull(distribution, "distribution");
    if (setting != null || distribution == TrafficDistribution.ANY) {
      return of(setting, outlierDetection, workload, hosts);
    }
    List<String> priorities = distribution == TrafficDistribution.PREFER_SAME_NODE ? SAME_NODE : SAME_ZONE;
    // Failover forced: as if the cluster had outlier detection.
    return of(new LocalityLbSetting(true, List.of(), List.of(), priorities), true, workload, hosts);
  }

  /**
   * The plan for these hosts of one cluster, seen from {@code workload}.
   *
   * @param setting the cluster's {@code localityLbSetting}, or null for the mesh default
   * @param outlierDetection whether the cluster has outlier detection (failover needs it)
   */
  public static PriorityPlan of(@Nullable LocalityLbSetting setting, boolean outlierDetection,
      Workload workload, List<UpstreamHost> hosts) {
    requireNonNull(workload, "workload");
    if (setting != null && Boolean.FALSE.equals(setting.enabled())) {
      return SINGLE;
    }
    List<LocalityLbSetting.Distribute> distribute = setting == null ? List.of() : setting.distribute();
    List<LocalityLbSetting.Failover> failover = setting == null ? List.of() : setting.failover();
    List<String> failoverPriority = setting == null ? List.of() : setting.failoverPriority();
    boolean weighted = !distribute.isEmpty()
        || (outlierDetection && (!failover.isEmpty() || !failoverPriority.isEmpty()));
    if (distribute.isEmpty() && !outlierDetection) {
      return SINGLE;
    }
    Locality self = Locality.parse(workload.locality());
    int n = hosts.size();
    String[] label = new String[n];
    Locality[] where = new Locality[n];
    for (int i = 0; i < n; i++) {
      Endpoint e = hosts.get(i).endpoint();
      where[i] = Locality.parse(locality(e));
      label[i] = where[i].toString();
    }
    int[] prio = new int[n];
    long[] weightOf = null; // per host's locality label, when distribute sets it
    if (!distribute.isEmpty()) {
      weightOf = distribute(self, distribute, hosts, label, where, prio);
    } else {
      // Outlier detection is on here. Istio ranks by labels only when the workload has labels,
      // and by locality only without failoverPriority or with an explicit failover as well.
      if (!failoverPriority.isEmpty() && !workload.labels().isEmpty()) {
        failoverPriorities(self, workload.labels(), failoverPriority, hosts, where, prio);
      }
      if (failoverPriority.isEmpty() || !failover.isEmpty()) {
        for (int i = 0; i < n; i++) {
          prio[i] = prio[i] * 5 + localityRank(self, where[i], failover);
        }
        compact(prio);
      }
    }
    return build(hosts, label, prio, weightOf, weighted);
  }

  /** An endpoint's locality: its own, else from its topology labels (as a workload's). */
  static @Nullable String locality(Endpoint e) {
    if (e.locality() != null && !e.locality().isEmpty()) {
      return e.locality();
    }
    if (e.labels().isEmpty()) {
      return null;
    }
    return Workload.builder().labels(e.labels()).build().locality();
  }

  /**
   * {@code applyLocalityWeights}: the per-host weight of its locality group (0 = dropped, its
   * priority set to -1), for the first entry whose {@code from} matches; null when none does.
   */
  private static long @Nullable [] distribute(Locality self, List<LocalityLbSetting.Distribute> distribute,
      List<UpstreamHost> hosts, String[] label, Locality[] where, int[] prio) {
    for (LocalityLbSetting.Distribute d : distribute) {
      if (!self.matches(d.from())) {
        continue;
      }
      // Group weights as istiod writes them: the sum of the group's endpoint weights.
      Map<String, Long> original = new LinkedHashMap<>();
      for (int i = 0; i < hosts.size(); i++) {
        original.merge(label[i], (long) hosts.get(i).weight(), Long::sum);
      }
      Map<String, Long> weights = new LinkedHashMap<>();
      Set<String> matched = new HashSet<>();
      for (Map.Entry<String, Integer> to : d.to().entrySet()) {
        Map<String, Long> dest = new LinkedHashMap<>();
        long total = 0;
        for (int i = 0; i < hosts.size(); i++) {
          if (!matched.contains(label[i]) && where[i].matches(to.getKey()) && !dest.containsKey(label[i])) {
            dest.put(label[i], original.get(label[i]));
            total += original.get(label[i]);
          }
        }
        matched.addAll(dest.keySet());
        for (Map.Entry<String, Long> e : dest.entrySet()) {
          double w = (double) (e.getValue() * to.getValue()) / total;
          if (w > 0) {
            weights.put(e.getKey(), (long) Math.ceil(w));
          }
        }
      }
      long[] out = new long[hosts.size()];
      for (int i = 0; i < hosts.size(); i++) {
        if (!matched.contains(label[i])) {
          prio[i] = -1;
        } else {
          out[i] = weights.getOrDefault(label[i], original.get(label[i]));
        }
      }
      return out;
    }
    return null;
  }

  /** {@code applyFailoverPriorityPerLocality} and the compaction of {@code applyFailoverPriorities}. */
  private static void failoverPriorities(Locality selfLocality, Map<String, String> self, List<String> labels,
      List<UpstreamHost> hosts, Locality[] where, int[] prio) {
    int lowest = labels.size();
    boolean includesNetwork = "topology.istio.io/network".equals(labels.get(0).split("=", -1)[0]);
    String[] names = new String[lowest];
    String[] overrides = new String[lowest];
    for (int j = 0; j < lowest; j++) {
      String[] parts = labels.get(j).split("=", -1);
      names[j] = parts[0];
      overrides[j] = parts.length == 2 ? parts[1] : null;
    }
    for (int i = 0; i < hosts.size(); i++) {
      Map<String, String> theirs = hosts.get(i).endpoint().labels();
      int p = 0;
      int adjust = 0;
      for (int j = 0; j < lowest; j++) {
        // The workload's topology labels follow from its locality, as an endpoint's do.
        String mine = overrides[j] != null ? overrides[j] : selfLocality.label(names[j], self);
        if (!mine.equals(where[i].label(names[j], theirs))) {
          if (j == 0 && includesNetwork) {
            adjust = lowest;
            continue;
          }
          p = lowest - j;
          break;
        }
      }
      prio[i] = p + adjust;
    }
    compact(prio);
  }

  /** {@code LbPriority} plus the {@code failover} rule of {@code applyLocalityFailover}. */
  static int localityRank(Locality self, Locality theirs, List<LocalityLbSetting.Failover> failover) {
    int rank;
    if (self.region.equals(theirs.region)) {
      rank = !self.zone.equals(theirs.zone) ? 2 : self.subzone.equals(theirs.subzone) ? 0 : 1;
    } else {
      rank = 3;
      for (LocalityLbSetting.Failover f : failover) {
        if (f.from().equals(self.region)) {
          if (!theirs.region.equals(f.to())) {
            rank = 4;
          }
          break;
        }
      }
    }
    return rank;
  }

  /** Renumbers the priorities in use (not -1) to 0..n−1, keeping their order. */
  private static void compact(int[] prio) {
    TreeSet<Integer> used = new TreeSet<>();
    for (int p : prio) {
      if (p >= 0) {
        used.add(p);
      }
    }
    List<Integer> order = new ArrayList<>(used);
    for (int i = 0; i < prio.length; i++) {
      if (prio[i] >= 0) {
        prio[i] = order.indexOf(prio[i]);
      }
    }
  }

  private static PriorityPlan build(List<UpstreamHost> hosts, String[] label, int[] prio,
      long @Nullable [] distributed, boolean weighted) {
    int n = hosts.size();
    int levels = 0;
    boolean dropped = false;
    for (int p : prio) {
      levels = Math.max(levels, p + 1);
      dropped |= p < 0;
    }
    if (levels <= 1 && !weighted && !dropped) {
      return SINGLE;
    }
    // Groups are Envoy's LocalityLbEndpoints: one locality at one priority.
    Map<String, Integer> groups = new LinkedHashMap<>();
    List<Long> weights = new ArrayList<>();
    int[] group = new int[n];
    for (int i = 0; i < n; i++) {
      if (prio[i] < 0) {
        group[i] = -1;
        continue;
      }
      String key = prio[i] + " " + label[i];
      Integer g = groups.get(key);
      if (g == null) {
        g = groups.size();
        groups.put(key, g);
        weights.add(0L);
      }
      group[i] = g;
      if (distributed != null) {
        weights.set(g, distributed[i]);
      } else {
        weights.set(g, weights.get(g) + hosts.get(i).weight());
      }
    }
    long[] groupWeight = new long[weights.size()];
    int[] groupPriority = new int[weights.size()];
    for (int g = 0; g < groupWeight.length; g++) {
      groupWeight[g] = weights.get(g);
    }
    for (int i = 0; i < n; i++) {
      if (group[i] >= 0) {
        groupPriority[group[i]] = prio[i];
      }
    }
    return new PriorityPlan(prio, group, groupWeight, groupPriority, Math.max(1, levels), weighted);
  }

  /** Whether this plan is one priority without locality weights (the plain balancer). */
  boolean isSingle() {
    return priority.length == 0;
  }

  /** How many priority levels. */
  int priorities() {
    return priorities;
  }

  /** The priority of host {@code i}, or -1 when the host is not balanced over. */
  int priority(int i) {
    return isSingle() ? 0 : priority[i];
  }

  /** The locality group of host {@code i}. */
  int group(int i) {
    return isSingle() ? 0 : group[i];
  }

  /** How many locality groups. */
  int groups() {
    return isSingle() ? 1 : groupWeight.length;
  }

  /** The priority of group {@code g}. */
  int groupPriority(int g) {
    return isSingle() ? 0 : groupPriority[g];
  }

  /** The locality weight of group {@code g}. */
  long groupWeight(int g) {
    return isSingle() ? 1 : groupWeight[g];
  }

  /** Whether Envoy picks a locality by weight before a host ({@code locality_weighted_lb_config}). */
  boolean localityWeighted() {
    return localityWeighted;
  }

  /** Checks that this plan was made for {@code hosts} hosts. */
  void checkSize(int hosts) {
    if (!isSingle() && priority.length != hosts) {
      throw new IllegalArgumentException(
          "plan for " + priority.length + " hosts given " + hosts + " hosts");
    }
  }

  @Override
  public String toString() {
    return isSingle() ? "PriorityPlan[single]"
        : "PriorityPlan[priorities=" + Arrays.toString(priority) + ", groups=" + Arrays.toString(group)
            + ", weights=" + Arrays.toString(groupWeight) + (localityWeighted ? ", weighted" : "") + "]";
  }

  /** A locality as Istio compares them: region, zone and subzone, each possibly empty. */
  record Locality(String region, String zone, String subzone) {
    static final Locality EMPTY = new Locality("", "", "");

    /** {@code region/zone/subzone} as Istio's {@code SplitLocalityLabel} reads it. */
    static Locality parse(@Nullable String locality) {
      if (locality == null || locality.isEmpty()) {
        return EMPTY;
      }
      String[] items = locality.split("/", -1);
      return new Locality(items[0], items.length > 1 ? items[1] : "", items.length > 2 ? items[2] : "");
    }

    /** {@code LocalityMatch}: a rule's parts equal this locality's, {@code *} or an absent part matching any. */
    boolean matches(String rule) {
      Locality r = parse(rule);
      return (r.region.equals("*") || r.region.equals(region))
          && (r.zone.equals("*") || r.zone.isEmpty() || r.zone.equals(zone))
          && (r.subzone.equals("*") || r.subzone.isEmpty() || r.subzone.equals(subzone));
    }

    /**
     * The value of label {@code name} on an endpoint in this locality with these labels: istiod
     * adds the topology labels of an endpoint's locality to its labels ({@code AugmentLabels}).
     */
    String label(String name, Map<String, String> labels) {
      String fromLocality = switch (name) {
        case Workload.REGION_LABEL -> region;
        case Workload.ZONE_LABEL -> zone;
        case Workload.SUBZONE_LABEL -> subzone;
        default -> "";
      };
      return fromLocality.isEmpty() ? labels.getOrDefault(name, "") : fromLocality;
    }

    @Override
    public String toString() {
      return region + "/" + zone + "/" + subzone;
    }
  }
}
