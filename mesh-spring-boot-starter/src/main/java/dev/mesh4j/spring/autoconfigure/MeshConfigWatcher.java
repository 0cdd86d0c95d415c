package dev.mesh4j.spring.autoconfigure;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.core.Mesh;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Hot reload: polls the files and folders of {@code mesh.config-locations} and, when one changed
 * (modified, added or removed), calls {@link Mesh#reload()}. A rejected configuration is logged by
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
  private Map<String, String> seen;
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
    this.seen = fingerprint();
  }

  /**
   * Checks the files now and reloads if they changed since the last check.
   *
   * @return whether the files had changed
   */
  public boolean checkNow() {
    synchronized (lock) {
      Map<String, String> now = fingerprint();
      if (now.equals(seen)) {
        return false;
      }
      seen = now;
      try {
        mesh.reload();
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

  /**
   * A hash of the contents of every manifest under the watched paths, absent ones included (the
   * files are small; a hash also sees a rewrite within the file system's time resolution).
   */
  private Map<String, String> fingerprint() {
    Map<String, String> out = new TreeMap<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(Files::isRegularFile).filter(MeshConfigWatcher::isManifest).forEach(f -> out.put(f.toString(), stamp(f)));
        } catch (IOException | UncheckedIOException e) {
          out.put(p.toString(), "unreadable: " + e.getMessage());
        }
      } else {
        out.put(p.toString(), stamp(p));
      }
    }
    return out;
  }

  private static boolean isManifest(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  private static String stamp(Path f) {
    try {
      byte[] bytes = Files.readAllBytes(f);
      return bytes.length + "/" + Arrays.hashCode(bytes);
    } catch (IOException e) {
      return "absent";
    }
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
