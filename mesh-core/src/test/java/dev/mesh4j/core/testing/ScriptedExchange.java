package dev.mesh4j.core.testing;

import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A transport that plays a script: each attempt takes the next step — a response status or a
 * failure — after advancing a {@link FakeClock} by the step's duration. Records every attempt.
 * Lets retry and timeout logic be tested in virtual time. Test fixture; one per request.
 */
public class ScriptedExchange implements Exchange<ScriptedExchange.Response> {

  /** What the engine returned: an upstream response or a local reply. */
  public record Response(int status, @Nullable UpstreamRequest sent, @Nullable LocalReply reply,
      Map<String, String> headers) {
    public String flags() {
      return reply == null ? "" : reply.flags();
    }
  }

  /** One scripted attempt. */
  public record Step(Duration takes, int status, @Nullable UpstreamFailure failure, Map<String, String> headers) {
    public static Step status(int status) {
      return new Step(Duration.ZERO, status, null, Map.of());
    }

    public static Step fail(UpstreamFailure failure) {
      return new Step(Duration.ZERO, 0, failure, Map.of());
    }

    /** A response with headers, e.g. {@code grpc-status}. */
    public static Step status(int status, Map<String, String> headers) {
      return new Step(Duration.ZERO, status, null, headers);
    }

    public Step after(Duration d) {
      return new Step(d, status, failure, headers);
    }
  }

  private final FakeClock clock;
  private final Deque<Step> script;
  private final List<UpstreamRequest> attempts = new ArrayList<>();
  private final List<Integer> discarded = new ArrayList<>();
  private final List<Long> startedAt = new ArrayList<>();
  private UpstreamFailure lastFailure;

  public ScriptedExchange(FakeClock clock, Step... steps) {
    this.clock = clock;
    this.script = new ArrayDeque<>(List.of(steps));
  }

  @Override
  public Response send(UpstreamRequest request) throws IOException {
    attempts.add(request);
    startedAt.add(clock.nanos());
    Step step = script.isEmpty() ? Step.status(200) : script.poll();
    Duration takes = step.takes();
    // The transport enforces the attempt's budget: a step that takes longer times out.
    if (request.timeout() != null && takes.compareTo(request.timeout()) > 0) {
      clock.advance(request.timeout());
      lastFailure = UpstreamFailure.TIMEOUT;
      throw new java.net.SocketTimeoutException("timeout");
    }
    clock.advance(takes);
    if (step.failure() != null) {
      lastFailure = step.failure();
      throw new IOException("scripted " + step.failure());
    }
    return new Response(step.status(), request, null, step.headers());
  }

  @Override
  public ResponseInfo view(Response response) {
    return new ResponseInfo(response.status(), response.headers().get("grpc-status"), -1,
        "HTTP/1.1", null, null, response.headers().get("x-envoy-peer-metadata"));
  }

  @Override
  public void discard(Response response) {
    discarded.add(response.status());
  }

  @Override
  public UpstreamFailure classify(IOException failure) {
    return lastFailure;
  }

  /** The body is done at once; response-header changes are not modelled. */
  @Override
  public Response complete(Response response, HeaderMutation headers, java.util.function.LongConsumer done) {
    done.accept(-1);
    return response;
  }

  @Override
  public Response reply(LocalReply reply) {
    return new Response(reply.status(), null, reply, reply.headers());
  }

  /** Every attempt sent, in order. */
  public List<UpstreamRequest> attempts() {
    return attempts;
  }

  /** The endpoints attempts went to ({@code ip:port}). */
  public List<String> endpoints() {
    return attempts.stream().map(a -> a.endpoint() == null ? "passthrough" : a.endpoint().hostPort()).toList();
  }

  /** The fake-clock time each attempt started at. */
  public List<Long> startedAt() {
    return startedAt;
  }

  /** Statuses of responses the engine dropped to retry. */
  public List<Integer> discarded() {
    return discarded;
  }
}
