package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.HttpFaultInjection;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Decodes {@code HTTPFaultInjection}, checked as Istio's {@code validateHTTPFaultInjection}. An
 * invalid delay or abort is kept as written, after its error; one mesh4j does not apply
 * ({@code exponentialDelay}, {@code http2Error}, an abort without a status) is left out.
 */
final class FaultDecoder {
  private FaultDecoder() {}

  /** gRPC status names Istio accepts for {@code abort.grpcStatus} ({@code grpc.SupportedGRPCStatus}). */
  static final Set<String> GRPC_STATUS = Set.of("OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
      "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");

  static @Nullable HttpFaultInjection fault(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    if (n.get("delay").isMissing() && n.get("abort").isMissing()) {
      n.error("HTTP fault injection must have an abort and/or a delay");
    }
    HttpFaultInjection.Abort abort = abort(n.get("abort"));
    HttpFaultInjection.Delay delay = delay(n.get("delay"));
    return new HttpFaultInjection(delay, abort);
  }

  /** {@code validateHTTPStatus}: 200..600 (Istio's bound is 600 although its message says 599). */
  static boolean checkHttpStatus(Node at, long status) {
    if (status < 200 || status > 600) {
      at.error("HTTP status " + status + " is not in range 200-599");
      return false;
    }
    return true;
  }

  private static HttpFaultInjection.@Nullable Delay delay(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    double percentage = percentage(n);
    Node fixed = n.get("fixedDelay");
    Node exponential = n.get("exponentialDelay");
    if (!fixed.isMissing() && !exponential.isMissing()) {
      n.error("only one of fixedDelay and exponentialDelay may be set");
    }
    if (!exponential.isMissing()) {
      exponential.asDuration(false);
      exponential.error("exponentialDelay not supported yet");
      return null;
    }
    Duration d = fixed.asDuration(false);
    // A delay without a delay type is accepted by Istio and delays nothing.
    return d == null ? null : new HttpFaultInjection.Delay(d, percentage);
  }

  private static HttpFaultInjection.@Nullable Abort abort(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    double percentage = percentage(n);
    Node statusNode = n.get("httpStatus");
    Node grpcNode = n.get("grpcStatus");
    Node http2Node = n.get("http2Error");
    int types = (statusNode.isMissing() ? 0 : 1) + (grpcNode.isMissing() ? 0 : 1)
        + (http2Node.isMissing() ? 0 : 1);
    if (types > 1) {
      n.error("only one of httpStatus, grpcStatus and http2Error may be set");
      // Kept as written where they read without a problem of their own (Istio stops here).
      Integer status = statusNode.json().canConvertToInt() && statusNode.json().isIntegralNumber()
          ? statusNode.asInt32() : null;
      String grpc = grpcNode.json().isTextual() ? grpcNode.asString() : null;
      return status == null && grpc == null ? null
          : new HttpFaultInjection.Abort(status, grpc, percentage);
    }
    if (!http2Node.isMissing()) {
      http2Node.asString();
      http2Node.error("HTTP/2 abort fault injection not supported yet");
      return null;
    }
    if (!grpcNode.isMissing()) {
      String grpc = grpcNode.asString();
      if (grpc == null || !GRPC_STATUS.contains(grpc)) {
        grpcNode.error("gRPC status " + Quoting.quote(grpc) + " is not supported. See "
            + "https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported "
            + "codes, for example 'NOT_FOUND'");
      }
      return grpc == null ? null : new HttpFaultInjection.Abort(null, grpc, percentage);
    }
    if (!statusNode.isMissing()) {
      Integer status = statusNode.asInt32();
      if (status == null) {
        return null;
      }
      checkHttpStatus(statusNode, status);
      return new HttpFaultInjection.Abort(status, null, percentage);
    }
    n.warn("abort configured, but error type not set (nothing is aborted)");
    return null;
  }

  /**
   * {@code percentage.value} ({@code validatePercentage}: 0 or 0.0001..100), or the deprecated
   * integer {@code percent}, which Istio does not check (mesh4j caps it to 0..100 with a
   * warning); absent means 0: nothing is injected.
   */
  private static double percentage(Node n) {
    Node percentage = n.get("percentage");
    Node percent = n.get("percent");
    if (!percentage.isMissing()) {
      Double v = CommonDecoders.percentage(percentage);
      return v == null ? 0 : v;
    }
    if (!percent.isMissing()) {
      Integer v = percent.asInt32();
      if (v == null) {
        return 0;
      }
      if (v < 0 || v > 100) {
        percent.warn("percent " + v + " is outside 0..100; mesh4j uses " + (v < 0 ? 0 : 100));
      }
      return Math.max(0, Math.min(100, v));
    }
    return 0;
  }
}
