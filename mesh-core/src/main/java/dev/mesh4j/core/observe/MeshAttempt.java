package dev.mesh4j.core.observe;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import org.jspecify.annotations.Nullable;

/** One try of a request towards one endpoint; a live view passed to {@link MeshListener}. */
public interface MeshAttempt {

  /** 1 for the first try, 2 for the first retry, … */
  int number();

  /** What was sent, with the propagated and trace headers added. */
  UpstreamRequest request();

  /** The endpoint, or null when sent to the address the application named (passthrough). */
  @Nullable Endpoint endpoint();

  /** The span id (16 lowercase hex digits) written on the wire for this attempt. */
  String spanId();

  /** When the attempt started, on the mesh's ticker. */
  long startNanos();

  /** How long until response headers or failure (after {@code attemptEnded}), else -1. */
  long durationNanos();

  /** The upstream response status (after {@code attemptEnded}), or 0 when it failed. */
  int status();

  /** How it failed before response headers, or null. */
  @Nullable UpstreamFailure failure();
}
