package dev.mesh4j.core.internal.lb;

import dev.mesh4j.api.config.OutlierDetection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one place that decides which hosts a balancer may pick from: the healthy ones, or all of
 * them when the cluster is in panic (SPEC §8). Every algorithm builds its table from
 * {@link #select}.
 *
 * <p>Envoy's rule for one priority ({@code load_balancer_impl.cc}
 * {@code LoadBalancerBase::recalculatePerPriorityState}, {@code recalculatePerPriorityPanic},
 * {@code isHostSetInPanic}), with Istio's {@code healthy_panic_threshold} =
 * {@code outlierDetection.minHealthPercent} (default 0) and EDS's default overprovisioning
 * factor 140:
 *
 * <ul>
 *   <li>availability = {@code min(100, 140 × healthy / total)} in integer arithmetic;
 *   <li>threshold 0 and availability 0 (every host ejected, panic off): no panic, so no host
 *       is picked and the engine answers 503 {@code UH};
 *   <li>availability 100 (at least 5/7 of the hosts healthy): never panic, whatever the
 *       threshold; so a {@code minHealthPercent} above 71 acts like 71.4 %;
 *   <li>otherwise panic when {@code 100.0 × healthy / total < threshold}: then every host,
 *       ejected or not, is picked from.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class Panic {
  /** Envoy's default overprovisioning factor, in percent; Istio does not change it. */
  static final int OVERPROVISIONING_FACTOR = 140;

  private Panic() {}

  /** The panic threshold in percent: {@code minHealthPercent}, 0 (panic off) when absent. */
  public static int threshold(@Nullable OutlierDetection outlierDetection) {
    if (outlierDetection == null || outlierDetection.minHealthPercent() == null) {
      return 0;
    }
    return Math.max(0, Math.min(100, outlierDetection.minHealthPercent()));
  }

  /** Whether a cluster with this many healthy hosts out of {@code total} is in panic. */
  public static boolean inPanic(int healthy, int total, int thresholdPercent) {
    if (total == 0) {
      return false;
    }
    long availability = Math.min(100, (long) OVERPROVISIONING_FACTOR * healthy / total);
    if (availability == 100 || (thresholdPercent == 0 && availability == 0)) {
      return false;
    }
    return 100.0 * healthy / total < thresholdPercent;
  }

  /** The hosts to pick from now: healthy ones, or all of them in panic. */
  static Selection select(List<UpstreamHost> hosts, int thresholdPercent) {
    int healthy = 0;
    for (UpstreamHost h : hosts) {
      if (h.isHealthy()) {
        healthy++;
      }
    }
    if (healthy == hosts.size()) {
      return new Selection(hosts.toArray(new UpstreamHost[0]), false);
    }
    if (inPanic(healthy, hosts.size(), thresholdPercent)) {
      return new Selection(hosts.toArray(new UpstreamHost[0]), true);
    }
    UpstreamHost[] usable = new UpstreamHost[healthy];
    int i = 0;
    for (UpstreamHost h : hosts) {
      if (h.isHealthy()) {
        usable[i++] = h;
      }
    }
    return new Selection(usable, false);
  }

  /**
   * The hosts a table is built from.
   *
   * @param hosts healthy hosts, or all hosts in panic, in the cluster's order
   * @param panic whether the cluster is in panic
   */
  record Selection(UpstreamHost[] hosts, boolean panic) {}
}
