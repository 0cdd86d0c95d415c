package dev.mesh4j.benchmarks;

import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * A transport that sends nothing: {@code send} returns the {@link UpstreamRequest} it is given,
 * a local reply returns the {@link LocalReply}. Measures the engine's share of a request.
 */
public final class NoopExchange implements Exchange<Object> {
  @Override
  public Object send(UpstreamRequest request) {
    return request;
  }

  private static final ResponseInfo OK = new ResponseInfo(200, null, 0, "HTTP/1.1");

  @Override
  public ResponseInfo view(Object response) {
    return response instanceof LocalReply r ? new ResponseInfo(r.status(), null, 0, "HTTP/1.1") : OK;
  }

  @Override
  public void discard(Object response) {}

  @Override
  public UpstreamFailure classify(IOException failure) {
    return UpstreamFailure.RETHROW;
  }

  @Override
  public Object complete(Object response, HeaderMutation headers, LongConsumer done) {
    done.accept(0);
    return response;
  }

  @Override
  public Object reply(LocalReply reply) {
    return reply;
  }
}
