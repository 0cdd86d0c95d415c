package dev.mesh4j.core.internal.source;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.endpoint.ServiceEndpoints;
import dev.mesh4j.api.spi.MeshSource;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.spi.ResourceKey;
import dev.mesh4j.api.spi.SourceStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What one source delivered, as it serves: the last valid version of each resource (with the
 * warnings found reading it), the problems of what it could not apply, and its services. The
 * maps are guarded by the lock of the mesh that owns the {@link SourceHub}; the status and the
 * sync latch are safe to read from any thread.
 */
public final class SourceState {
  /** A resource as it serves, and the warnings of the document it came from. */
  record Held(IstioResource resource, List<ConfigProblem> warnings) {}

  final MeshSource source;
  final String name;
  final MeshSource.Validation validation;
  final Map<ResourceKey, Held> resources = new LinkedHashMap<>();
  /** Per resource: why its latest version was not applied (per-resource sources). */
  final Map<ResourceKey, List<ConfigProblem>> rejected = new LinkedHashMap<>();
  /** Why the latest update was refused as a whole (whole-set sources), or empty. */
  List<ConfigProblem> refused = List.of();
  /** Services by canonical host name. */
  final Map<String, ServiceEndpoints> services = new LinkedHashMap<>();
  private final CountDownLatch synced = new CountDownLatch(1);
  private volatile SourceStatus status;

  SourceState(MeshSource source, Instant now) {
    this.source = source;
    // Names and status messages reach logs, exceptions and /actuator/mesh, and come from peers
    // (an API server's error text): escaped once, here, so none can forge a line.
    this.name = Quoting.escape(source.name());
    this.validation = source.validation();
    this.status = new SourceStatus(name, SourceStatus.State.STARTING, "", now);
  }

  public MeshSource source() {
    return source;
  }

  public String name() {
    return name;
  }

  public SourceStatus status() {
    return status;
  }

  /** Records a new state; the time it started is kept when the state does not change. */
  public void status(SourceStatus.State state, String message, Instant now) {
    SourceStatus current = status;
    status = new SourceStatus(name, state, Quoting.escape(message),
        current.state() == state ? current.since() : now);
    if (state == SourceStatus.State.SYNCED) {
      synced.countDown();
    }
  }

  /** Tells whether the initial state is in. */
  public CountDownLatch syncedLatch() {
    return synced;
  }

  @Override
  public String toString() {
    return name;
  }
}
