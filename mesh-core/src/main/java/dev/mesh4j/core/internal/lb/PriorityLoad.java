package dev.mesh4j.core.internal.lb;

/**
 * Envoy's spill-over between priority levels ({@code load_balancer_impl.cc}
 * {@code LoadBalancerBase::recalculatePerPriorityState}, {@code distributeLoad},
 * {@code recalculatePerPriorityPanic}, {@code recalculateLoadInTotalPanic},
 * {@code isHostSetInPanic}), with the default overprovisioning factor 140 and healthy meaning
 * "not ejected" (mesh4j has no degraded hosts):
 *
 * <ul>
 *   <li>health of priority P = {@code min(100, 140 × healthy_P / total_P)} (host counts);
 *   <li>normalized total availability (NTA) = {@code min(100, Σ health)};
 *   <li>load of P = {@code min(left, health_P × 100 / NTA)} from P0 down, what is left over
 *       (rounding) to the first priority with health;
 *   <li>NTA 0 with the panic threshold 0: all load to P0 (which has no healthy host: 503);
 *   <li>P is in panic (balances over all its hosts) when NTA &lt; 100 and
 *       {@code 100 × healthy_P / total_P < threshold}; when every priority is in panic the load
 *       follows host counts ({@code 100 × total_P / Σ total}, the rest to the first non-empty).
 * </ul>
 *
 * <p>Stateless; computed off the request path, on every health change.
 */
final class PriorityLoad {
  private PriorityLoad() {}

  /**
   * The loads and panic flags of each priority.
   *
   * @param load percent of requests per priority, summing to 100
   * @param panic whether the priority balances over all its hosts, ejected ones included
   */
  record Result(int[] load, boolean[] panic) {}

  static Result compute(int[] healthy, int[] total, int panicThreshold) {
    int n = total.length;
    int[] health = new int[n];
    int sum = 0;
    for (int p = 0; p < n; p++) {
      if (total[p] > 0) {
        health[p] = (int) Math.min(100, (long) Panic.OVERPROVISIONING_FACTOR * healthy[p] / total[p]);
      }
      sum += health[p];
    }
    int nta = Math.min(100, sum);
    int[] load = new int[n];
    boolean[] panic = new boolean[n];
    if (nta > 0) {
      int left = 100;
      int first = -1;
      for (int p = 0; p < n; p++) {
        if (first < 0 && health[p] > 0) {
          first = p;
        }
        load[p] = Math.min(left, health[p] * 100 / nta);
        left -= load[p];
      }
      if (left > 0) {
        load[first] += left;
      }
    }
    if (panicThreshold == 0 && nta == 0) {
      load[0] = 100;
      return new Result(load, panic);
    }
    boolean totalPanic = true;
    for (int p = 0; p < n; p++) {
      panic[p] = nta != 100 && (total[p] == 0 ? 0.0 : 100.0 * healthy[p] / total[p]) < panicThreshold;
      totalPanic &= panic[p];
    }
    if (totalPanic) {
      long hosts = 0;
      for (int t : total) {
        hosts += t;
      }
      if (hosts == 0) {
        load[0] = 100;
        return new Result(load, panic);
      }
      int left = 100;
      int first = -1;
      for (int p = 0; p < n; p++) {
        if (first < 0 && total[p] > 0) {
          first = p;
        }
        load[p] = (int) (100L * total[p] / hosts);
        left -= load[p];
      }
      load[first] += left;
    }
    return new Result(load, panic);
  }
}
