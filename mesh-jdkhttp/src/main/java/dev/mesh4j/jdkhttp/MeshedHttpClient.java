package dev.mesh4j.jdkhttp;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.context.ContextSnapshot;
import dev.mesh4j.core.context.MeshContext;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The application's {@link HttpClient}, meshed: it reports the settings the application gave
 * its builder, and sends every request through the mesh ({@link Call}) over real JDK clients
 * below it ({@link InnerClients}).
 *
 * <p>{@code send} runs the mesh on the calling thread. {@code sendAsync} runs it on a thread of
 * this client's own (the mesh waits while it backs off and delays; the application's executor,
 * when it gave one, stays the JDK's, as without the mesh), with the {@link MeshContext} current at
 * {@code sendAsync}. Thread-safe.
 */
final class MeshedHttpClient extends HttpClient {
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  /** The settings of the application's client, as its builder made them. Immutable. */
  record Settings(Optional<CookieHandler> cookieHandler, Optional<Duration> connectTimeout,
      HttpClient.Redirect followRedirects, Optional<ProxySelector> proxy, SSLContext sslContext,
      SSLParameters sslParameters, Optional<Authenticator> authenticator, HttpClient.Version version,
      Optional<Executor> executor) {

    static Settings of(HttpClient c) {
      return new Settings(c.cookieHandler(), c.connectTimeout(), c.followRedirects(), c.proxy(), c.sslContext(),
          c.sslParameters(), c.authenticator(), c.version(), c.executor());
    }
  }

  private final Mesh mesh;
  private final Settings settings;
  private final InnerClients inner;
  private final ThreadPoolExecutor calls;
  private final Set<Call<?>> active = ConcurrentHashMap.newKeySet();
  /** Notified when a request ends after a shutdown. */
  private final Object idle = new Object();
  private volatile boolean shutdown;

  MeshedHttpClient(Mesh mesh, Settings settings) {
    this.mesh = mesh;
    this.settings = settings;
    this.inner = new InnerClients(settings, mesh.ticker());
    int id = CLIENTS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.calls = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "mesh4j-jdkhttp-" + id + "-call-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  Mesh mesh() {
    return mesh;
  }

  Settings settings() {
    return settings;
  }

  InnerClients inner() {
    return inner;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) throws IOException, InterruptedException {
    requireNonNull(request, "request");
    requireNonNull(handler, "handler");
    Call<T> call = start(request, handler);
    try {
      return call.send();
    } finally {
      ended(call);
    }
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler) {
    requireNonNull(request, "request");
    requireNonNull(handler, "handler");
    Call<T> call;
    try {
      call = start(request, handler);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    Result<T> result = new Result<>(call);
    ContextSnapshot context = ContextSnapshot.capture();
    try {
      calls.execute(() -> {
        try (MeshContext.Scope scope = context == null ? () -> {} : context.attachIfDetached()) {
          call.execute().whenComplete((response, failure) -> {
            if (failure != null) {
              result.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                  ? failure.getCause() : failure);
            } else {
              result.complete(response);
            }
          });
        } catch (IOException | RuntimeException | Error e) {
          result.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IOException("mesh4j: the HttpClient is shut down", e));
    }
    result.whenComplete((r, t) -> ended(call));
    return result;
  }

  /** Push promises are not accepted: requests to endpoints go over HTTP/1.1. */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler,
      PushPromiseHandler<T> pushPromiseHandler) {
    return sendAsync(request, handler);
  }

  private <T> Call<T> start(HttpRequest request, BodyHandler<T> handler) throws IOException {
    if (shutdown) {
      throw new IOException("mesh4j: the HttpClient is shut down");
    }
    Call<T> call = new Call<>(this, request, handler);
    active.add(call);
    return call;
  }

  private void ended(Call<?> call) {
    active.remove(call);
    if (shutdown) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /** A {@code sendAsync} result: cancelling it cancels the request. */
  private static final class Result<T> extends CompletableFuture<HttpResponse<T>> {
    private final Call<T> call;

    Result(Call<T> call) {
      this.call = call;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      call.cancel();
      return super.cancel(mayInterruptIfRunning);
    }
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return settings.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return settings.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return settings.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return settings.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return settings.sslContext();
  }

  /** A copy of the application's parameters (the fields Java 17 has). */
  @Override
  public SSLParameters sslParameters() {
    return copy(settings.sslParameters());
  }

  /** A copy of TLS parameters (the fields Java 17 has): the JDK's are mutable. */
  static SSLParameters copy(SSLParameters p) {
    SSLParameters copy = new SSLParameters(p.getCipherSuites(), p.getProtocols());
    copy.setAlgorithmConstraints(p.getAlgorithmConstraints());
    copy.setApplicationProtocols(p.getApplicationProtocols());
    copy.setEnableRetransmissions(p.getEnableRetransmissions());
    copy.setEndpointIdentificationAlgorithm(p.getEndpointIdentificationAlgorithm());
    copy.setMaximumPacketSize(p.getMaximumPacketSize());
    copy.setNeedClientAuth(p.getNeedClientAuth());
    copy.setWantClientAuth(p.getWantClientAuth());
    copy.setServerNames(p.getServerNames());
    copy.setSNIMatchers(p.getSNIMatchers());
    copy.setUseCipherSuitesOrder(p.getUseCipherSuitesOrder());
    return copy;
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return settings.authenticator();
  }

  @Override
  public Version version() {
    return settings.version();
  }

  @Override
  public Optional<Executor> executor() {
    return settings.executor();
  }

  /** WebSockets do not go through the mesh. */
  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    throw new UnsupportedOperationException("mesh4j does not mesh WebSockets: open them with a plain HttpClient");
  }

  // Java 21's HttpClient lifecycle; on Java 17 these are this class's own methods.

  /** Accepts no new request; requests in flight finish. */
  public void shutdown() {
    shutdown = true;
    calls.shutdown();
  }

  /** Accepts no new request and cancels those in flight. */
  public void shutdownNow() {
    shutdown();
    for (Call<?> c : active) {
      c.cancel();
    }
  }

  /** Waits until the requests in flight finished after a shutdown, then releases the JDK clients below. */
  public boolean awaitTermination(Duration duration) throws InterruptedException {
    requireNonNull(duration, "duration");
    long deadline = System.nanoTime() + duration.toNanos();
    synchronized (idle) {
      while (!active.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
    }
    if (!calls.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      return false;
    }
    for (HttpClient c : inner.all()) {
      if (c instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          // closing what is idle: nothing to report
        }
      }
    }
    return true;
  }

  public boolean isTerminated() {
    return shutdown && active.isEmpty() && calls.isTerminated();
  }

  /** Shuts down and waits for the requests in flight. */
  public void close() {
    shutdown();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          if (awaitTermination(Duration.ofDays(1))) {
            return;
          }
        } catch (InterruptedException e) {
          if (!interrupted) {
            interrupted = true;
            shutdownNow();
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "MeshJdkHttp{" + mesh + "}";
  }
}
