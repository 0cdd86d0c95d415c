package dev.mesh4j.api.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * How a source is doing, as it last reported it: what health checks and {@code /actuator/mesh}
 * show. Immutable.
 *
 * @param source the source's {@linkplain MeshSource#name() name}
 * @param state the state
 * @param message what the source said about it, e.g. why it is disconnected; may be empty
 * @param since when it entered this state (the mesh's clock)
 */
public record SourceStatus(String source, State state, String message, Instant since) {

  /** The states of a source. */
  public enum State {
    /** Started; its initial state is not in yet. */
    STARTING,
    /** Its initial state is in and it is delivering changes. */
    SYNCED,
    /**
     * It lost its connection or cannot read its input: what it delivered last keeps serving
     * while it tries again.
     */
    STALE,
    /** It gave up; what it delivered last keeps serving. */
    FAILED,
    /** The mesh was closed. */
    CLOSED
  }

  public SourceStatus {
    requireNonNull(source, "source");
    requireNonNull(state, "state");
    requireNonNull(message, "message");
    requireNonNull(since, "since");
  }

  /** Whether the source is healthy: its initial state is in and it is connected. */
  public boolean isHealthy() {
    return state == State.SYNCED;
  }
}
