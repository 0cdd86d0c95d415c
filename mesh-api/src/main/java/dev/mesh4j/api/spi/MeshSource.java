package dev.mesh4j.api.spi;

import java.time.Duration;

/**
 * A source of Istio resources and service endpoints that can change over time: manifest files,
 * the Kubernetes API, istiod, configuration built in code. A mesh starts each of its sources once,
 * when it is built, and closes them when it is closed; the source delivers
 * {@linkplain SourceUpdate updates} through the {@link SourceContext} it is given, whenever what
 * it knows changes.
 *
 * <pre>{@code
 * Mesh mesh = Mesh.builder()
 *     .configDirectory(Path.of("istio"))       // a source
 *     .source(myConsulSource)                  // another one
 *     .build();
 * }</pre>
 *
 * <p>Several sources combine in the order they were added: when two deliver a resource of the
 * same kind, namespace and name, the later source's wins (a warning says so), as a later
 * {@code kubectl apply} replaces an object. Services with the same host and namespace are
 * resolved the same way.
 *
 * <p>Threading: {@link #start}, {@link #reload}, {@link #hasChanged} and {@link #close} are
 * called by the mesh, never concurrently with each other for one source; the source may deliver
 * from any thread of its own at any time after {@code start} begins. A source must not block in
 * {@code start} longer than it takes to read what it has at hand: the mesh waits for
 * {@link SourceContext#synced()} up to {@link #initialSyncTimeout()}.
 */
public interface MeshSource extends AutoCloseable {

  /** How a mesh validates what a source delivers. */
  enum Validation {
    /**
     * Each update is valid as a whole or rejected as a whole, keeping what served before — for
     * sets a user edits together, such as a folder of manifests: a bad file refuses the reload.
     */
    WHOLE_SET,
    /**
     * Each resource stands alone: an invalid one is skipped and reported, what was delivered
     * under its key before keeps serving, and every other resource still updates — as istiod
     * treats a watched control plane.
     */
    PER_RESOURCE
  }

  /**
   * A short name for messages, health and {@code /actuator/mesh}, e.g. {@code kubernetes} or
   * {@code file:/etc/istio}.
   */
  String name();

  /** How the mesh validates this source's updates (default {@link Validation#WHOLE_SET}). */
  default Validation validation() {
    return Validation.WHOLE_SET;
  }

  /**
   * Starts delivering to {@code context}. A source that can read its state at once (files)
   * applies it before returning and calls {@link SourceContext#synced()}; one that watches
   * (Kubernetes, istiod) starts its watches and returns.
   *
   * @throws dev.mesh4j.api.config.MeshConfigException when a {@link Validation#WHOLE_SET}
   *     source's initial state is invalid: building the mesh fails with it
   */
  void start(SourceContext context);

  /**
   * How long building a mesh waits for this source's {@link SourceContext#synced()} (default
   * zero: the source syncs within {@link #start}). Past it, building fails, naming the source and
   * its last reported state.
   */
  default Duration initialSyncTimeout() {
    return Duration.ZERO;
  }

  /**
   * Re-reads the source now and delivers what changed ({@code Mesh.reload()}): files are read
   * again; a watched source, which is always current, does nothing (the default).
   *
   * @throws dev.mesh4j.api.config.MeshConfigException when the new state is rejected
   */
  default void reload() {}

  /**
   * Whether {@link #reload()} would read something new — a cheap check that
   * {@code Mesh.reloadIfChanged()} and the periodic change check use (default false).
   */
  default boolean hasChanged() {
    return false;
  }

  /** Stops delivering and releases what the source holds (watches, threads). Idempotent. */
  @Override
  default void close() {}
}
