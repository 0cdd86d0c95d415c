package dev.mesh4j.api.spi;

import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.Workload;
import java.time.Clock;

/**
 * What a mesh gives each of its sources: where to deliver updates and report state, and the
 * mesh's workload, time and scheduler. One per source.
 *
 * <p>Thread-safe: a source may call it from any thread. Updates of all sources are applied one at
 * a time, in the order they arrive; {@link #apply} returns once the update is in force (or
 * rejected), so a source that must acknowledge what it received (as an xDS client does) can do
 * so from the {@link SourceUpdate.Result}.
 */
public interface SourceContext {

  /**
   * Validates and applies an update: one new snapshot, used by every request that starts after
   * this returns. Never throws for problems in the update; the result carries them, and the mesh
   * logs them.
   *
   * <p>For a {@link MeshSource.Validation#WHOLE_SET} source an update with any error applies
   * nothing. For a {@link MeshSource.Validation#PER_RESOURCE} source each invalid resource is
   * skipped, what the source delivered before under its key keeps serving, and the rest
   * applies. After the mesh is closed nothing applies, and the result says so.
   */
  SourceUpdate.Result apply(SourceUpdate update);

  /**
   * Tells the mesh that the source's initial state is in: {@code Mesh.builder().build()} waits
   * for this up to {@link MeshSource#initialSyncTimeout()}. Also sets the state to
   * {@link SourceStatus.State#SYNCED}. Idempotent.
   */
  void synced();

  /**
   * Reports the source's state, e.g. {@link SourceStatus.State#STALE} with the reason while it
   * reconnects, for health checks and {@code /actuator/mesh}.
   */
  void status(SourceStatus.State state, String message);

  /** The workload the mesh routes for: its namespace resolves short names and unset namespaces. */
  Workload workload();

  /** The mesh's scheduler, for the source's own timers (debounce, polling, back-off). */
  Scheduler scheduler();

  /** The mesh's monotonic time. */
  Ticker ticker();

  /** The mesh's wall clock. */
  Clock clock();
}
