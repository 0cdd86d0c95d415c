package dev.mesh4j.core.testing;

import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A transport that sends nothing: it records what the engine asked it to send and answers
 * with a {@link Result} describing it. Lets engine tests assert on decisions exactly, without
 * sockets. Test fixture; one instance per request.
 */
public final class RecordingExchange implements Exchange<RecordingExchange.Result> {

  /** What the engine produced: an upstream send, or a local reply. */
  public record Result(UpstreamRequest sent, LocalReply reply, Map<String, String> responseHeaders) {
    public boolean wasSent() {
      return sent != null;
    }

    /**
     * The header changes of the request sent, without those telemetry adds to every request
     * (request id, trace context, baggage): what routing decided.
     */
    public HeaderMutation routeHeaders() {
      List<HeaderMutation.Op> ops = new ArrayList<>();
      for (HeaderMutation.Op op : sent.headers().ops()) {
        if (!TELEMETRY_HEADERS.contains(op.name())) {
          ops.add(op);
        }
      }
      return HeaderMutation.of(ops);
    }

    /** The value the request sent sets for a header (the last SET or ADD), or null. */
    public String sentHeader(String name) {
      String v = null;
      for (HeaderMutation.Op op : sent.headers().ops()) {
        if (op.name().equals(name)) {
          v = op.kind() == HeaderMutation.Kind.REMOVE ? null : op.value();
        }
      }
      return v;
    }

    /** {@code ip:port} of the endpoint sent to, "passthrough", or "reply <status> <flags>". */
    public String target() {
      if (sent != null) {
        return sent.endpoint() == null ? "passthrough" : sent.endpoint().hostPort();
      }
      return "reply " + reply.status() + (reply.flags().isEmpty() ? "" : " " + reply.flags());
    }
  }

  /** Headers telemetry writes on every request. */
  public static final java.util.Set<String> TELEMETRY_HEADERS = java.util.Set.of("x-request-id", "traceparent",
      "x-envoy-peer-metadata", "x-envoy-peer-metadata-id",
      "tracestate", "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags",
      "baggage");

  private final List<UpstreamRequest> mirrored = new ArrayList<>();
  private final List<UpstreamRequest> attempts = new ArrayList<>();
  private final IOException failure;
  private final UpstreamFailure failureKind;
  private boolean completed;
  private String peerPrincipal;
  private String peerMetadata;

  public RecordingExchange() {
    this(null, null);
  }

  /** A transport whose sends fail with {@code failure}, classified as {@code kind}. */
  public RecordingExchange(IOException failure, UpstreamFailure kind) {
    this.failure = failure;
    this.failureKind = kind;
  }

  /** Sent requests answer as over mutual TLS with a peer presenting {@code spiffeId}. */
  public RecordingExchange overMutualTls(String spiffeId) {
    this.peerPrincipal = spiffeId;
    return this;
  }

  /** Sent requests answer with {@code value} in {@code x-envoy-peer-metadata}, as a sidecar'd server. */
  public RecordingExchange answeringWithPeerMetadata(String value) {
    this.peerMetadata = value;
    return this;
  }

  @Override
  public Result send(UpstreamRequest request) throws IOException {
    attempts.add(request);
    if (failure != null) {
      throw failure;
    }
    return new Result(request, null, new LinkedHashMap<>());
  }

  @Override
  public void discard(Result response) {}

  @Override
  public UpstreamFailure classify(IOException e) {
    return failureKind;
  }

  /** Applies the header changes; the body is done at once (-1: bytes not counted). */
  @Override
  public Result complete(Result response, HeaderMutation headers, java.util.function.LongConsumer done) {
    completed = true;
    Result r = headers.isEmpty() ? response : mutate(response, headers);
    done.accept(-1);
    return r;
  }

  @Override
  public Result reply(LocalReply reply) {
    return new Result(null, reply, new LinkedHashMap<>(reply.headers()));
  }

  private static Result mutate(Result response, HeaderMutation mutation) {
    Map<String, String> headers = new LinkedHashMap<>(response.responseHeaders());
    mutation.applyTo(new HeaderMutation.Target() {
      @Override
      public void remove(String name) {
        headers.remove(name);
      }

      @Override
      public void set(String name, String value) {
        headers.put(name, value);
      }

      @Override
      public void add(String name, String value) {
        headers.merge(name, value, (a, b) -> a + "," + b);
      }
    });
    return new Result(response.sent(), response.reply(), headers);
  }

  /** Sent requests answer 200; local replies their status and flags. */
  @Override
  public ResponseInfo view(Result response) {
    if (response.reply() != null) {
      String grpc = response.responseHeaders().get("grpc-status");
      return new ResponseInfo(response.reply().status(), grpc,
          response.reply().body().length(), "HTTP/1.1");
    }
    return new ResponseInfo(200, null, -1, "HTTP/1.1", peerPrincipal, null, peerMetadata);
  }

  @Override
  public void mirror(UpstreamRequest request) {
    mirrored.add(request);
  }

  /** Every attempt sent, in order. */
  public List<UpstreamRequest> attempts() {
    return attempts;
  }

  public List<UpstreamRequest> mirrored() {
    return mirrored;
  }

  public boolean completed() {
    return completed;
  }
}
