package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.routing.CompiledDestination;
import dev.mesh4j.core.observe.RetryDecision;
import dev.mesh4j.core.observe.RouteDecision;
import java.io.IOException;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * What the request pipeline tells telemetry about one request, at request start, after routing,
 * around each attempt and at the end. {@link RequestTelemetry} is the real one;
 * {@link #none()} is for a mesh built with telemetry off, and costs nothing.
 *
 * @param <R> the transport's response type
 */
public interface RequestObserver<R> extends LongConsumer {

  /** Whether anything listens: the pipeline skips building event values when not. */
  boolean active();

  /** The request to route and send (the application's, with the inbound context merged in). */
  MeshRequest request(MeshRequest application);

  void routed(RouteDecision decision);

  void destination(CompiledDestination destination, @Nullable Cluster cluster);

  void faultInjected(String flag);

  /** Returns the request to send for this attempt (ids, context and trace headers added). */
  UpstreamRequest attemptStarted(UpstreamRequest upstream);

  void attemptEnded(UpstreamRequest upstream, ResponseInfo response);

  void attemptFailed(UpstreamRequest upstream, UpstreamFailure how, IOException e);

  /**
   * What was decided after the last attempt ({@code afterAttempt}) or after a wait for a
   * connection slot that timed out.
   */
  void retryDecided(boolean afterAttempt, RetryDecision decision);

  /** A connection-pool limit shed the request, or kept a retry from being made. */
  void overflow(String cluster, String limit);

  /** The mesh answers the request itself. */
  void localReply(LocalReply reply);

  /**
   * The response the application gets: the upstream's ({@code flags} empty) or a local reply's.
   * The request ends when its body is done ({@link #accept(long)}, with the bytes read).
   */
  void responded(ResponseInfo response, String flags);

  void failed(Throwable e);

  /** An observer that does nothing: telemetry is off. */
  @SuppressWarnings("unchecked")
  static <R> RequestObserver<R> none() {
    return (RequestObserver<R>) None.INSTANCE;
  }

  /** The do-nothing observer. */
  enum None implements RequestObserver<Object> {
    INSTANCE;

    @Override
    public boolean active() {
      return false;
    }

    @Override
    public MeshRequest request(MeshRequest application) {
      return application;
    }

    @Override
    public void routed(RouteDecision decision) {}

    @Override
    public void destination(CompiledDestination destination, @Nullable Cluster cluster) {}

    @Override
    public void faultInjected(String flag) {}

    @Override
    public UpstreamRequest attemptStarted(UpstreamRequest upstream) {
      return upstream;
    }

    @Override
    public void attemptEnded(UpstreamRequest upstream, ResponseInfo response) {}

    @Override
    public void attemptFailed(UpstreamRequest upstream, UpstreamFailure how, IOException e) {}

    @Override
    public void retryDecided(boolean afterAttempt, RetryDecision decision) {}

    @Override
    public void overflow(String cluster, String limit) {}

    @Override
    public void localReply(LocalReply reply) {}

    @Override
    public void responded(ResponseInfo response, String flags) {}

    @Override
    public void accept(long bodyBytes) {}

    @Override
    public void failed(Throwable e) {}
  }
}
