package dev.mesh4j.spring.autoconfigure;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.core.Mesh;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Hot reload: polls the files and folders of {@code mesh.config-locations} and, when one changed
 * (modified, added or removed), reloads the mesh ({@link Mesh#reloadIfChanged()}, which compares
 * the contents the mesh itself reads). A rejected configuration is logged by
 * mesh4j, recorded in {@link MeshConfigStatus}, and not retried until the files change again; the
 * configuration in force keeps serving. Polls run on the mesh's own background scheduler.
 * Thread-safe.
 */
public final class MeshConfigWatcher implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(MeshConfigWatcher.class);

  private final Mesh mesh;
  private final List<Path> paths;
  private final Duration interval;
  private final MeshConfigStatus status;
  private final Object lock = new Object();
  private Scheduler.@Nullable Cancellable next;
  private boolean running;

  public MeshConfigWatcher(Mesh mesh, List<Path> paths, Duration interval, MeshConfigStatus status) {
    this.mesh = requireNonNull(mesh, "mesh");
    this.paths = List.copyOf(paths);
    this.interval = requireNonNull(interval, "interval");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("mesh.reload.interval: " + interval + " (expected: > 0)");
    }
    this.status = requireNonNull(status, "status");
  }

  /**
   * Checks the sources now ({@link Mesh#reloadIfChanged()}) and records the outcome.
   *
   * @return whether the files had changed
   */
  public boolean checkNow() {
    synchronized (lock) {
      try {
        if (!mesh.reloadIfChanged()) {
          return false;
        }
        status.reloaded(mesh.version());
        log.info("mesh4j: configuration reloaded (version {})", mesh.version());
      } catch (MeshConfigException e) {
        // mesh4j has logged the problems; the configuration in force keeps serving.
        status.reloadRejected(mesh.version(), e.getMessage());
      }
      return true;
    }
  }

  /** The files and folders watched. */
  public List<Path> paths() {
    return paths;
  }

  private void poll() {
    try {
      checkNow();
    } catch (RuntimeException e) {
      log.warn("mesh4j: checking the configuration files failed", e);
    }
    synchronized (lock) {
      if (running) {
        next = mesh.scheduler().schedule(interval, this::poll);
      }
    }
  }

  @Override
  public void start() {
    synchronized (lock) {
      if (!running) {
        running = true;
        next = mesh.scheduler().schedule(interval, this::poll);
      }
    }
  }

  @Override
  public void stop() {
    synchronized (lock) {
      running = false;
      if (next != null) {
        next.cancel();
        next = null;
      }
    }
  }

  @Override
  public boolean isRunning() {
    synchronized (lock) {
      return running;
    }
  }
}
