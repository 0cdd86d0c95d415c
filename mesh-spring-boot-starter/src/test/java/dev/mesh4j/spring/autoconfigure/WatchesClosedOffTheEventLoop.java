package dev.mesh4j.spring.autoconfigure;

import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

/**
 * fabric8's CRUD server, with one defect of its own worked around: when a watch's connection
 * closes while the server is still sending it events (a mesh closed right after it started), the
 * watch waits up to a minute for those sends on the event loop the sends need, and the whole
 * server stops answering — other tests' requests and its own shutdown ("Unable to close
 * MockWebServer"). Here that wait runs on a thread of its own. The Kubernetes module's
 * {@code TestCluster} does the same.
 */
final class WatchesClosedOffTheEventLoop extends Dispatcher {
  private final Dispatcher delegate;

  WatchesClosedOffTheEventLoop(Dispatcher delegate) {
    this.delegate = delegate;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    MockResponse response = delegate.dispatch(request);
    WebSocketListener watch = response.getWebSocketListener();
    return watch == null ? response : response.withWebSocketUpgrade(new Listener(watch));
  }

  private static final class Listener extends WebSocketListener {
    private final WebSocketListener delegate;

    Listener(WebSocketListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      delegate.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      offTheEventLoop(() -> delegate.onClosed(webSocket, code, reason));
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      offTheEventLoop(() -> delegate.onFailure(webSocket, t, response));
    }

    private static void offTheEventLoop(Runnable close) {
      Thread t = new Thread(close, "watch-closed");
      t.setDaemon(true);
      t.start();
    }
  }
}
