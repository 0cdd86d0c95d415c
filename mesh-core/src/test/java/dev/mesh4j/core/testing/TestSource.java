package dev.mesh4j.core.testing;

import dev.mesh4j.api.spi.MeshSource;
import dev.mesh4j.api.spi.SourceContext;
import dev.mesh4j.api.spi.SourceUpdate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A source whose updates a test hands over by calling {@link #apply}: what a watched control
 * plane delivers, without the control plane. Test fixture.
 */
public final class TestSource implements MeshSource {
  private final String name;
  private final Validation validation;
  private final Duration syncTimeout;
  private final Consumer<SourceContext> onStart;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile SourceContext context;

  private TestSource(String name, Validation validation, Duration syncTimeout, Consumer<SourceContext> onStart) {
    this.name = name;
    this.validation = validation;
    this.syncTimeout = syncTimeout;
    this.onStart = onStart;
  }

  /** A per-resource source that delivers {@code initial} when started and syncs at once. */
  public static TestSource perResource(String name, SourceUpdate initial) {
    return new TestSource(name, Validation.PER_RESOURCE, Duration.ZERO, c -> {
      c.apply(initial);
      c.synced();
    });
  }

  /** A whole-set source that delivers {@code initial} when started and syncs at once. */
  public static TestSource wholeSet(String name, SourceUpdate initial) {
    return new TestSource(name, Validation.WHOLE_SET, Duration.ZERO, c -> {
      c.apply(initial);
      c.synced();
    });
  }

  /** A per-resource source that starts without syncing; the mesh waits up to {@code timeout}. */
  public static TestSource syncingLater(String name, Duration timeout) {
    return new TestSource(name, Validation.PER_RESOURCE, timeout, c -> { });
  }

  public SourceUpdate.Result apply(SourceUpdate update) {
    return context.apply(update);
  }

  public SourceContext context() {
    return context;
  }

  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Validation validation() {
    return validation;
  }

  @Override
  public Duration initialSyncTimeout() {
    return syncTimeout;
  }

  @Override
  public void start(SourceContext context) {
    this.context = context;
    onStart.accept(context);
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
