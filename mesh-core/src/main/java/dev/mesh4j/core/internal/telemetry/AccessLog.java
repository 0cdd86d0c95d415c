package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.core.observe.ConfigChange;
import dev.mesh4j.core.observe.EndpointEjection;
import dev.mesh4j.core.observe.MeshAttempt;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request in Envoy's default access-log format, at INFO on the SLF4J logger
 * {@code dev.mesh4j.accesslog}:
 *
 * <pre>
 * [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
 * %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%
 * "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"
 * </pre>
 *
 * (one line). Bytes are body bytes; the upstream service time is the last attempt's time to
 * response headers ({@code -} when it got none); the protocol is the response's.
 *
 * <p>Besides requests, one line per thing the mesh does on its own, in the same log:
 * {@code [time] EJECT cluster endpoint "reason" ejections=N for=30s}, {@code [time] RETURN …},
 * {@code [time] CONFIG applied|rejected source version=N problems=N}. Thread-safe.
 */
final class AccessLog implements MeshListener {
  /** The logger access-log lines go to. */
  static final String LOGGER = "dev.mesh4j.accesslog";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);
  private static final DateTimeFormatter START_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Override
  public void requestEnded(MeshCall call) {
    if (log.isInfoEnabled()) {
      log.info(line(call));
    }
  }

  @Override
  public void endpointEjected(EndpointEjection e) {
    if (log.isInfoEnabled()) {
      log.info(event(e, "EJECT"));
    }
  }

  @Override
  public void endpointReturned(EndpointEjection e) {
    if (log.isInfoEnabled()) {
      log.info(event(e, "RETURN"));
    }
  }

  @Override
  public void configApplied(ConfigChange c) {
    if (log.isInfoEnabled()) {
      log.info(event(c, "applied"));
    }
  }

  @Override
  public void configRejected(ConfigChange c) {
    if (log.isInfoEnabled()) {
      log.info(event(c, "rejected"));
    }
  }

  static String event(EndpointEjection e, String what) {
    StringBuilder sb = new StringBuilder(160).append('[');
    START_TIME.formatTo(e.time(), sb);
    return sb.append("] ").append(what).append(' ').append(e.cluster()).append(' ').append(e.endpoint().hostPort())
        .append(" \"").append(e.reason()).append("\" ejections=").append(e.ejections())
        .append(what.equals("EJECT") ? " for=" : " after=").append(e.duration().toMillis()).append("ms").toString();
  }

  static String event(ConfigChange c, String what) {
    StringBuilder sb = new StringBuilder(120).append('[');
    START_TIME.formatTo(c.time(), sb);
    // The source name can come from the application; problems are in the mesh's own log.
    return sb.append("] CONFIG ").append(what).append(' ').append(Quoting.quote(c.source()))
        .append(" version=").append(c.version()).append(" problems=").append(c.problems().size()).toString();
  }

  static String line(MeshCall call) {
    MeshRequest r = call.request();
    MeshAttempt attempt = call.lastAttempt();
    StringBuilder sb = new StringBuilder(256);
    sb.append('[');
    START_TIME.formatTo(call.startTime(), sb);
    sb.append("] \"").append(r.method()).append(' ').append(r.path());
    if (r.rawQuery() != null) {
      sb.append('?').append(r.rawQuery());
    }
    sb.append(' ').append(dash(call.protocol())).append("\" ")
        .append(call.status()).append(' ')
        .append(call.responseFlags().isEmpty() ? "-" : call.responseFlags()).append(' ')
        .append(Math.max(0, call.requestBytes())).append(' ')
        .append(Math.max(0, call.responseBytes())).append(' ')
        .append(Math.max(0, call.durationNanos()) / 1_000_000).append(' ')
        .append(attempt == null || attempt.durationNanos() < 0 || attempt.failure() != null
            ? "-" : Long.toString(attempt.durationNanos() / 1_000_000))
        .append(" \"").append(dash(r.header("x-forwarded-for")))
        .append("\" \"").append(dash(r.header("user-agent")))
        .append("\" \"").append(call.requestId())
        .append("\" \"").append(r.authority())
        .append("\" \"").append(upstreamHost(call, attempt)).append('"');
    return sb.toString();
  }

  private static String upstreamHost(MeshCall call, @Nullable MeshAttempt attempt) {
    if (attempt == null) {
      return "-";
    }
    Endpoint e = attempt.endpoint();
    if (e != null) {
      return e.hostPort();
    }
    MeshRequest r = call.request();
    return r.host().indexOf(':') >= 0 ? "[" + r.host() + "]:" + r.port() : r.host() + ":" + r.port();
  }

  private static String dash(@Nullable String v) {
    return v == null || v.isEmpty() ? "-" : v;
  }

  @Override
  public String toString() {
    return "AccessLog";
  }
}
