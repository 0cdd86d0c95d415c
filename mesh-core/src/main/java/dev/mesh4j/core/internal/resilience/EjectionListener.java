package dev.mesh4j.core.internal.resilience;

import dev.mesh4j.api.endpoint.Endpoint;
import java.time.Duration;

/**
 * Told when an outlier detector ejects an endpoint or lets it back. Called outside the
 * detector's lock, on the thread that caused it (a request's, or the sweep's); must be fast and
 * must not throw.
 */
public interface EjectionListener {
  /** Tells no one. */
  EjectionListener NONE = new EjectionListener() {
    @Override
    public void ejected(String cluster, Endpoint endpoint, String reason, int ejections, Duration duration) {}

    @Override
    public void returned(String cluster, Endpoint endpoint, String reason, int ejections, Duration out) {}
  };

  /**
   * @param ejections how often the endpoint has been ejected so far
   * @param duration how long it stays out at least
   */
  void ejected(String cluster, Endpoint endpoint, String reason, int ejections, Duration duration);

  /** @param out how long it was out */
  void returned(String cluster, Endpoint endpoint, String reason, int ejections, Duration out);
}
