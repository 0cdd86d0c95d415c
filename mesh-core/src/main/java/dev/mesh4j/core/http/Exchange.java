package dev.mesh4j.core.http;

import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * The operations a transport offers the engine for one application request. The engine
 * decides; the transport sends, answers and edits its own response type {@code R}.
 *
 * <p>One instance serves one application request, on the thread that executes it.
 *
 * @param <R> the transport's response type
 */
public interface Exchange<R> {

  /**
   * Sends one attempt and returns the upstream response (streamed, not buffered).
   *
   * @throws IOException when the attempt fails before a response (connect failure, reset,
   *     timeout); the engine turns it into a local reply
   */
  R send(UpstreamRequest request) throws IOException;

  /** The HTTP status of a response. */
  int status(R response);

  /** A response header's value, or null (e.g. {@code grpc-status} of a trailers-only reply). */
  @org.jspecify.annotations.Nullable String header(R response, String name);

  /** Releases a response the engine will not return (before a retry). */
  void discard(R response);

  /**
   * Whether the request can be sent again: false when its body can be read only once (then the
   * first failure is final, as a sidecar that cannot buffer it).
   */
  default boolean canResend() {
    return true;
  }

  /** How a failed attempt failed, from the exception {@link #send} threw. */
  UpstreamFailure classify(IOException failure);

  /**
   * The response, arranged so that {@code onComplete} runs once when the application is done
   * with it (body fully read or closed), or at once if it has no body. The engine counts the
   * request as in flight until then.
   */
  R whenComplete(R response, Runnable onComplete);

  /** Makes a response from a local reply, without sending anything. */
  R reply(LocalReply reply);

  /** The response with response-header changes applied. */
  R mutateResponse(R response, HeaderMutation mutation);

  /**
   * Sends a copy of the request fire-and-forget; its outcome is ignored and must never affect
   * the application's request. Transports that cannot replay the request body skip it.
   */
  default void mirror(UpstreamRequest request) {}

  /**
   * Whether the application has cancelled the request (checked while an injected delay waits).
   */
  default boolean isCancelled() {
    return false;
  }

  /**
   * What telemetry can know of a response without reading its body: status, response flags,
   * gRPC status, declared body length. Transports that cannot tell return
   * {@link ResponseInfo#UNKNOWN}.
   */
  default ResponseInfo describe(R response) {
    return ResponseInfo.UNKNOWN;
  }

  /**
   * The response, arranged so that {@code onComplete} is told once, when the application is done
   * with it (body fully read, closed, or failed), how many body bytes the application read; -1
   * when the transport does not count them. Telemetry ends a request here.
   */
  default R whenBodyComplete(R response, LongConsumer onComplete) {
    return whenComplete(response, () -> onComplete.accept(-1));
  }

  /** The size of the application's request body in bytes: 0 without a body, -1 when unknown. */
  default long requestBodySize() {
    return -1;
  }
}
