package dev.mesh4j.benchmarks;

import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import java.io.IOException;

/**
 * A transport that sends nothing: {@code send} returns the {@link UpstreamRequest} it is given,
 * a local reply returns the {@link LocalReply}. Measures the engine's share of a request.
 */
public final class NoopExchange implements Exchange<Object> {
  @Override
  public Object send(UpstreamRequest request) {
    return request;
  }

  @Override
  public int status(Object response) {
    return response instanceof LocalReply r ? r.status() : 200;
  }

  @Override
  public String header(Object response, String name) {
    return null;
  }

  @Override
  public void discard(Object response) {}

  @Override
  public UpstreamFailure classify(IOException failure) {
    return UpstreamFailure.RETHROW;
  }

  @Override
  public Object whenComplete(Object response, Runnable onComplete) {
    onComplete.run();
    return response;
  }

  @Override
  public Object reply(LocalReply reply) {
    return reply;
  }

  @Override
  public Object mutateResponse(Object response, HeaderMutation mutation) {
    return response;
  }
}
