package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.HttpFaultInjection;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.common.Durations;
import java.util.Locale;

/** Policies in words, the same in {@code explain} and {@code describe}. */
final class PolicyText {
  private PolicyText() {}

  /** {@code delay 7s for 100%; abort 500 for 50%}. */
  static String fault(HttpFaultInjection f) {
    StringBuilder sb = new StringBuilder();
    if (f.delay() != null) {
      sb.append(String.format(Locale.ROOT, "delay %s for %.4g%%", Durations.format(f.delay().fixedDelay()),
          f.delay().percentage()));
    }
    if (f.abort() != null) {
      sb.append(sb.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "abort %s for %.4g%%",
          f.abort().httpStatus() != null ? f.abort().httpStatus() : f.abort().grpcStatus(), f.abort().percentage()));
    }
    return sb.toString();
  }

  /** The TLS mode the cluster originates: {@code DISABLE}, {@code SIMPLE}, {@code MUTUAL}, {@code ISTIO_MUTUAL}. */
  static String tlsMode(Cluster cluster) {
    // A cluster that fails every request has ISTIO_MUTUAL without a workload identity.
    return cluster.failure() != null ? "ISTIO_MUTUAL" : cluster.tls() == null ? "DISABLE" : cluster.tls().mode().name();
  }
}
