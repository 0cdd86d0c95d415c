package dev.mesh4j.core.internal.config;

import dev.mesh4j.api.config.HttpFaultInjection;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Decodes {@code HTTPFaultInjection}. */
final class FaultDecoder {
  private FaultDecoder() {}

  /** gRPC status names Istio accepts for {@code abort.grpcStatus}. */
  static final Set<String> GRPC_STATUS = Set.of("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
      "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");

  static @Nullable HttpFaultInjection fault(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    HttpFaultInjection.Delay delay = delay(n.get("delay"));
    HttpFaultInjection.Abort abort = abort(n.get("abort"));
    if (n.get("delay").isMissing() && n.get("abort").isMissing()) {
      n.error("HTTP fault injection must have an abort and/or a delay");
    }
    return new HttpFaultInjection(delay, abort);
  }

  private static HttpFaultInjection.@Nullable Delay delay(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    double percentage = percentage(n);
    Duration fixed = n.duration("fixedDelay");
    if (!n.get("exponentialDelay").isMissing()) {
      n.get("exponentialDelay").error("exponentialDelay is not supported");
    }
    if (fixed == null) {
      if (n.get("fixedDelay").isMissing() && n.get("exponentialDelay").isMissing()) {
        n.get("fixedDelay").error("required field is missing");
      }
      return null;
    }
    return new HttpFaultInjection.Delay(fixed, percentage);
  }

  private static HttpFaultInjection.@Nullable Abort abort(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    double percentage = percentage(n);
    Node statusNode = n.get("httpStatus");
    Integer status = statusNode.asInt(Integer.MIN_VALUE, Integer.MAX_VALUE);
    String grpc = n.string("grpcStatus");
    if (!n.get("http2Error").isMissing()) {
      n.get("http2Error").error("http2Error is not supported");
    }
    if (status != null && (status < 200 || status > 599)) {
      statusNode.error("invalid abort http status " + status + " (expected: 200..599)");
      return null;
    }
    if (grpc != null && !GRPC_STATUS.contains(grpc)) {
      n.get("grpcStatus").error("invalid gRPC status \"" + grpc + "\"");
      return null;
    }
    if (status != null && grpc != null) {
      n.error("only one of httpStatus and grpcStatus may be set");
    }
    if (status == null && grpc == null) {
      if (statusNode.isMissing() && n.get("http2Error").isMissing()) {
        n.error("abort must specify httpStatus or grpcStatus");
      }
      return null;
    }
    return new HttpFaultInjection.Abort(status, grpc, percentage);
  }

  /** {@code percentage.value}, or the deprecated integer {@code percent}; absent means 0. */
  private static double percentage(Node n) {
    Node percentage = n.get("percentage");
    Node percent = n.get("percent");
    if (!percentage.isMissing()) {
      Double v = CommonDecoders.percent(percentage);
      return v == null ? 0 : v;
    }
    if (!percent.isMissing()) {
      Integer v = percent.asInt(0, 100);
      return v == null ? 0 : v;
    }
    return 0;
  }
}
