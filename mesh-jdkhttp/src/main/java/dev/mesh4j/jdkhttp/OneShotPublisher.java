package dev.mesh4j.jdkhttp;

import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/** A body publisher the application marked as readable once ({@link MeshJdkHttp#oneShot}): never resent. */
record OneShotPublisher(BodyPublisher delegate) implements BodyPublisher {
  @Override
  public long contentLength() {
    return delegate.contentLength();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    delegate.subscribe(subscriber);
  }
}
