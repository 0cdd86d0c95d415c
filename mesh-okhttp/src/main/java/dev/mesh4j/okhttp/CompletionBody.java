package dev.mesh4j.okhttp;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongConsumer;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * A response body that runs a callback once, when it is fully read or closed: the moment the
 * request stops being in flight for load balancing, and ends for telemetry (which is told the
 * bytes the application read).
 */
final class CompletionBody extends ResponseBody {
  private final ResponseBody delegate;
  private final LongConsumer onComplete;
  private static final AtomicIntegerFieldUpdater<CompletionBody> DONE =
      AtomicIntegerFieldUpdater.newUpdater(CompletionBody.class, "done");
  /** 1 once {@code onComplete} ran (a field, not an AtomicBoolean: one object less per response). */
  private volatile int done;
  private final BufferedSource source;
  private volatile long read;

  /** {@code onComplete} is told how many body bytes were read. */
  CompletionBody(ResponseBody delegate, LongConsumer onComplete) {
    this.delegate = delegate;
    this.onComplete = onComplete;
    this.source = Okio.buffer(new ForwardingSource(delegate.source()) {
      @Override
      public long read(Buffer sink, long byteCount) throws IOException {
        try {
          long n = super.read(sink, byteCount);
          if (n == -1) {
            complete();
          } else {
            read += n;
          }
          return n;
        } catch (IOException e) {
          complete();
          throw e;
        }
      }

      @Override
      public void close() throws IOException {
        try {
          super.close();
        } finally {
          complete();
        }
      }
    });
  }

  private void complete() {
    if (DONE.compareAndSet(this, 0, 1)) {
      onComplete.accept(read);
    }
  }

  @Override
  public @Nullable MediaType contentType() {
    return delegate.contentType();
  }

  @Override
  public long contentLength() {
    return delegate.contentLength();
  }

  @Override
  public BufferedSource source() {
    return source;
  }

  @Override
  public void close() {
    try {
      source.close();
    } catch (IOException e) {
      // Closing a response body does not fail for the application.
    } finally {
      complete();
    }
  }
}
