package dev.mesh4j.core.context;

import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;

/**
 * The whole context current at one moment (the {@link MeshContext} and the OpenTelemetry span
 * and baggage), to re-attach on another thread. For transports whose calls run elsewhere than
 * where the application made them, such as OkHttp's {@code enqueue()}. Immutable.
 */
public final class ContextSnapshot {
  private final Context context;

  private ContextSnapshot(Context context) {
    this.context = context;
  }

  /** What is current on this thread, or null when nothing is (nothing to carry). */
  public static @Nullable ContextSnapshot capture() {
    Context c = Context.current();
    return c == Context.root() ? null : new ContextSnapshot(c);
  }

  /**
   * Makes the snapshot current until the scope closes, unless this thread already has a context
   * of its own (then it stays, and the scope does nothing). Close on the same thread.
   */
  public MeshContext.Scope attachIfDetached() {
    Context current = Context.current();
    if (current != Context.root() || context == current) {
      return () -> {};
    }
    io.opentelemetry.context.Scope s = context.makeCurrent();
    return s::close;
  }
}
