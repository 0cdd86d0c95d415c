package dev.mesh4j.core.internal.lb;

import dev.mesh4j.api.config.LoadBalancerSettings.Warmup;
import org.jspecify.annotations.Nullable;

/**
 * {@code warmup}: a new endpoint's weight ramps up as Envoy's slow start does
 * ({@code EdfLoadBalancerBase::applySlowStartFactor}), with Istio's defaults
 * ({@code cluster_traffic_policy.go} {@code setWarmup}: aggression 1.0, minimum 10 %):
 *
 * <pre>
 *   time factor = max(1 ms, time since the endpoint joined) / duration
 *   weight      = weight × max(time factor ^ (1 / aggression), minimumPercent / 100)
 * </pre>
 *
 * until the endpoint has been in the cluster for {@code duration}. An endpoint joins when the
 * cluster first holds it (its {@link EndpointState} is created): at the start every endpoint
 * warms up together (as in Envoy, which changes nothing between them); one added later, or one
 * that left and came back, warms up alone. Returning from an outlier ejection is not joining (Envoy
 * restarts slow start only on a passed active health check, which Istio's sidecars do not run).
 *
 * <p>Envoy re-evaluates the weight on every pick; mesh4j's tables are immutable, so a balancer
 * with a warming endpoint rebuilds its table when the weights have moved by a step of
 * {@code duration / }{@value #STEPS} (the first pick after that time triggers the rebuild, off
 * the request thread). Weights are kept in hundredths ({@link #SCALE}) so that a warming
 * endpoint's share is not rounded away. Immutable and thread-safe.
 */
final class SlowStart {
  /** Table rebuilds per warm-up window. */
  static final int STEPS = 50;
  /** Weights of a warming table are in 1/SCALE of an endpoint weight. */
  static final int SCALE = 100;
  private static final long MILLISECOND = 1_000_000;

  private final long windowNanos;
  private final double aggression;
  private final double minimumFraction;

  private SlowStart(long windowNanos, double aggression, double minimumFraction) {
    this.windowNanos = windowNanos;
    this.aggression = aggression;
    this.minimumFraction = minimumFraction;
  }

  /** The slow start of these settings, or null when there is none (no warmup, zero duration). */
  static @Nullable SlowStart of(@Nullable Warmup warmup) {
    if (warmup == null || warmup.duration().isZero() || warmup.duration().isNegative()) {
      return null;
    }
    double aggression = warmup.aggression() == null ? 1.0 : warmup.aggression();
    if (!(aggression > 0)) {
      aggression = 1.0; // as Envoy does with an invalid runtime value
    }
    double minimum = warmup.minimumPercent() == null ? 10.0 : warmup.minimumPercent();
    return new SlowStart(warmup.duration().toNanos(), aggression,
        Math.max(0, Math.min(100, minimum)) / 100.0);
  }

  /** The factor an endpoint's weight is multiplied by, {@code inCluster} nanoseconds after it joined. */
  double factor(long inCluster) {
    if (inCluster >= windowNanos) {
      return 1.0;
    }
    double time = (double) Math.max(MILLISECOND, inCluster) / windowNanos;
    double ramped = aggression == 1.0 || time == 1.0 ? time : Math.pow(time, 1.0 / aggression);
    return Math.max(ramped, minimumFraction);
  }

  /** Whether an endpoint that joined at {@code joined} is still warming up at {@code now}. */
  boolean warming(long joined, long now) {
    return now - joined < windowNanos;
  }

  /** How long after a rebuild the next one is due while an endpoint warms up. */
  long step() {
    return Math.max(MILLISECOND, windowNanos / STEPS);
  }

  /**
   * The hosts with their weights at {@code now}, in {@link #SCALE}ths: the same array when none
   * of them is warming up, else copies of the hosts carrying the ramped weights (same state, so
   * counters and health are shared).
   */
  UpstreamHost[] weigh(UpstreamHost[] hosts, long now) {
    boolean any = false;
    for (UpstreamHost h : hosts) {
      any |= warming(h.state().joinedAt(), now);
    }
    if (!any) {
      return hosts;
    }
    UpstreamHost[] out = new UpstreamHost[hosts.length];
    for (int i = 0; i < hosts.length; i++) {
      UpstreamHost h = hosts[i];
      double f = factor(now - h.state().joinedAt());
      int w = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round((double) h.weight() * SCALE * f)));
      out[i] = new UpstreamHost(h.endpoint().withWeight(w), h.state(), h.istioTlsMode());
    }
    return out;
  }
}
