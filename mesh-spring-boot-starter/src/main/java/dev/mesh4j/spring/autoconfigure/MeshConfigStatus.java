package dev.mesh4j.spring.autoconfigure;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How loading the Istio configuration went: at start-up and at the latest reload. The actuator
 * endpoint and the health indicator read it. Thread-safe.
 */
public final class MeshConfigStatus {

  /**
   * One load of the configuration.
   *
   * @param at when it happened
   * @param trigger {@code startup} or {@code reload}
   * @param outcome {@code loaded} (in force now) or {@code rejected} (the previous configuration
   *     keeps serving)
   * @param version the configuration version in force afterwards
   * @param message why it was rejected, or empty
   */
  public record Load(Instant at, String trigger, String outcome, long version, String message) {
    public Load {
      requireNonNull(at, "at");
      requireNonNull(trigger, "trigger");
      requireNonNull(outcome, "outcome");
      requireNonNull(message, "message");
    }

    /** Whether this load put its configuration in force. */
    public boolean loaded() {
      return outcome.equals("loaded");
    }
  }

  private final Clock clock;
  private volatile @Nullable Load startup;
  private volatile @Nullable Load lastReload;
  private volatile boolean everLoaded = true;

  public MeshConfigStatus(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /** The configuration loaded at start-up. */
  public void startupLoaded(long version) {
    startup = new Load(clock.instant(), "startup", "loaded", version, "");
    everLoaded = true;
  }

  /** The configuration was invalid at start-up; the mesh runs without one. */
  public void startupRejected(long version, String message) {
    startup = new Load(clock.instant(), "startup", "rejected", version, message);
    everLoaded = false;
  }

  /** A reload put a changed configuration in force. */
  public void reloaded(long version) {
    lastReload = new Load(clock.instant(), "reload", "loaded", version, "");
    everLoaded = true;
  }

  /** A reload found an invalid configuration; the one in force keeps serving. */
  public void reloadRejected(long version, String message) {
    lastReload = new Load(clock.instant(), "reload", "rejected", version, message);
  }

  /**
   * Whether a valid configuration was ever in force: false only after an invalid configuration
   * at start-up ({@code mesh.fail-fast=false}) until a reload succeeds.
   */
  public boolean everLoaded() {
    return everLoaded;
  }

  /** The start-up load, or null when the mesh was not built by the starter. */
  public @Nullable Load startup() {
    return startup;
  }

  /** The latest reload that found changed files, or null when there was none. */
  public @Nullable Load lastReload() {
    return lastReload;
  }

  /** The latest load: the latest reload, else the start-up load, or null. */
  public @Nullable Load last() {
    Load r = lastReload;
    return r != null ? r : startup;
  }
}
