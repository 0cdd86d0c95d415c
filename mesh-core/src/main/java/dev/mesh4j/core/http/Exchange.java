package dev.mesh4j.core.http;

import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * What the engine needs from a transport for one application request: send an attempt, read a
 * view of the response, hand a response on (or answer locally), and tell how an attempt failed.
 * The engine decides everything else — routing, balancing, retries, timeouts, telemetry — so a
 * transport is small: OkHttp's is one class, the JDK {@code HttpClient}'s another.
 *
 * <p>Facts of the application's request itself (its method, URL, headers, whether its body can
 * be sent twice, its length) come with the {@link MeshRequest} the transport passes to
 * {@code Mesh.execute}.
 *
 * <p>One instance serves one application request. The engine calls it on the thread that
 * executes the request, one call at a time; only the callback given to {@link #complete} may run
 * on another thread (whichever finishes the response body).
 *
 * @param <R> the transport's response type
 */
public interface Exchange<R> {

  /**
   * Sends one attempt and returns its response once the response headers arrived (the body
   * streamed, not buffered). The transport sends {@link UpstreamRequest#authority()} as the
   * {@code Host}, applies {@link UpstreamRequest#headers()}, originates the TLS the request asks
   * for, and enforces {@link UpstreamRequest#timeout()} and {@link UpstreamRequest#responseTimeout()}.
   *
   * @throws IOException when the attempt fails before response headers (connect failure, reset,
   *     timeout, the application's cancellation); {@link #classify} says which
   */
  R send(UpstreamRequest request) throws IOException;

  /** What the engine reads of a response before its body: status, flags, {@code grpc-status}, length. */
  ResponseInfo view(R response);

  /** Releases a response the engine does not hand on (before a retry). */
  void discard(R response);

  /** Makes a response from a local reply, without sending anything. */
  R reply(LocalReply reply);

  /**
   * Hands a response on to the application: {@code headers} applied to it, and {@code done} told
   * once, when the application is done with the body (read to the end, closed, or failed), how
   * many body bytes it read (-1 when the transport does not count them) — or at once for a
   * response without a body. The engine counts the request as in flight until then.
   */
  R complete(R response, HeaderMutation headers, LongConsumer done);

  /** How a failed attempt failed, from the exception {@link #send} threw. */
  UpstreamFailure classify(IOException failure);

  /** Whether the application has cancelled the request (checked while the engine waits). */
  default boolean isCancelled() {
    return false;
  }

  /**
   * Sends a copy of the request fire-and-forget; its outcome is ignored and must never affect
   * the application's request. Transports that cannot replay the request body skip it.
   */
  default void mirror(UpstreamRequest request) {}
}
