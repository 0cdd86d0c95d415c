package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.observe.MeshAttempt;
import io.opentelemetry.api.trace.Span;
import org.jspecify.annotations.Nullable;

/** One attempt's telemetry state; its request's events come one at a time. */
final class AttemptTelemetry implements MeshAttempt {
  final int number;
  final @Nullable Endpoint endpoint;
  final long startNanos;
  UpstreamRequest request;
  @Nullable Span span;
  String spanId = "";
  long durationNanos = -1;
  int status;
  @Nullable UpstreamFailure failure;

  AttemptTelemetry(UpstreamRequest request, long startNanos) {
    this.number = request.attempt();
    this.endpoint = request.endpoint();
    this.request = request;
    this.startNanos = startNanos;
  }

  boolean isOpen() {
    return durationNanos < 0;
  }

  @Override
  public int number() {
    return number;
  }

  @Override
  public UpstreamRequest request() {
    return request;
  }

  @Override
  public @Nullable Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public String spanId() {
    return spanId;
  }

  @Override
  public long startNanos() {
    return startNanos;
  }

  @Override
  public long durationNanos() {
    return durationNanos;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public @Nullable UpstreamFailure failure() {
    return failure;
  }

  @Override
  public String toString() {
    return "attempt " + number + " to " + (endpoint == null ? "passthrough" : endpoint.hostPort());
  }
}
