package dev.mesh4j.istiod.internal;

import static java.util.Objects.requireNonNull;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 keepalive of the channels the source opens to istiod: a PING after {@code time} without a
 * frame from istiod, the connection given up when its answer does not come within {@code timeout}.
 * Only while a call is open (the ADS stream always is; the CA's calls are brief), as Istio's agent
 * pings istiod, so that istiod's enforcement policy (pings without a call are not permitted) never
 * sends {@code GOAWAY too_many_pings}. Immutable.
 */
public record KeepAlive(Duration time, Duration timeout) {
  public KeepAlive {
    requireNonNull(time, "time");
    requireNonNull(timeout, "timeout");
  }

  /**
   * A channel to {@code target} that pings as this says and reads responses of up to
   * {@link AdsClient#MAX_RESPONSE_BYTES} (grpc-java's default of 4 MiB is less than istiod sends
   * a large mesh).
   */
  public ManagedChannel open(String target, ChannelCredentials credentials) {
    return Grpc.newChannelBuilder(requireNonNull(target, "target"), requireNonNull(credentials, "credentials"))
        .keepAliveTime(time.toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveWithoutCalls(false)
        .maxInboundMessageSize(AdsClient.MAX_RESPONSE_BYTES)
        .build();
  }
}
