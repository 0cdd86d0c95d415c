package dev.mesh4j.core.testing;

import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.api.spi.IdentitySource;
import org.jspecify.annotations.Nullable;

/**
 * An identity source a test drives: it delivers what the test hands it, when the test says — a
 * certificate authority client without the authority. Test fixture; thread-safe.
 */
public final class TestIdentitySource implements IdentitySource {
  private final @Nullable WorkloadIdentity initial;
  private volatile @Nullable Context context;
  private volatile boolean closed;

  /** A source that delivers nothing until told. */
  public TestIdentitySource() {
    this(null);
  }

  /** A source that delivers {@code initial} when started. */
  public TestIdentitySource(@Nullable WorkloadIdentity initial) {
    this.initial = initial;
  }

  @Override
  public String name() {
    return "test-ca";
  }

  @Override
  public void start(Context context) {
    this.context = context;
    if (initial != null) {
      context.update(initial);
    }
  }

  /** Delivers a (new) identity. */
  public void deliver(WorkloadIdentity identity) {
    context.update(identity);
  }

  /** Reports that no usable identity can be had. */
  public void fail(String reason) {
    context.unavailable(reason);
  }

  @Override
  public void close() {
    closed = true;
  }

  public boolean isClosed() {
    return closed;
  }
}
