package dev.mesh4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.RecordingExchange.Result;
import java.io.IOException;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * A transport that fails while it hands the response over (a header value its client library
 * refuses, say) leaves nothing held: the endpoint's active request and the connection-pool slot
 * are given back, so the next request is not shed.
 */
class CompletionFailureTest {

  /** A recording transport whose completion throws, once or every time, as a client library may. */
  static final class FailingCompletion implements Exchange<Result> {
    private final RecordingExchange delegate = new RecordingExchange();
    private final boolean emptyBody;
    int discarded;

    FailingCompletion(boolean emptyBody) {
      this.emptyBody = emptyBody;
    }

    @Override
    public Result send(UpstreamRequest request) throws IOException {
      return delegate.send(request);
    }

    @Override
    public ResponseInfo view(Result response) {
      return delegate.view(response);
    }

    @Override
    public void discard(Result response) {
      discarded++;
    }

    @Override
    public Result reply(LocalReply reply) {
      return delegate.reply(reply);
    }

    @Override
    public Result complete(Result response, HeaderMutation headers, LongConsumer done) {
      if (emptyBody) {
        done.accept(0);  // an empty body is done at once, before the headers are applied (OkHttp)
      }
      throw new IllegalArgumentException("Unexpected char 0xeb in header value");
    }

    @Override
    public UpstreamFailure classify(IOException failure) {
      return delegate.classify(failure);
    }
  }

  static Mesh mesh() {
    return Mesh.builder().registry(new ServiceRegistry().register("web", 80, Endpoint.of("10.0.0.1", 8080)))
        .configYaml("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: web}
            spec:
              host: web
              trafficPolicy: {connectionPool: {http: {http2MaxRequests: 1}}}
            """).build();
  }

  @Test
  void theSlotAndTheEndpointAreGivenBackWhenCompletingFails() throws IOException {
    for (boolean emptyBody : new boolean[] {false, true}) {
      try (Mesh mesh = mesh()) {
        FailingCompletion failing = new FailingCompletion(emptyBody);
        assertThatThrownBy(() -> mesh.execute(MeshRequest.builder("http://web/").build(), failing))
            .isInstanceOf(IllegalArgumentException.class);
        assertThat(failing.discarded).as("the response is closed").isEqualTo(1);

        Result next = mesh.execute(MeshRequest.builder("http://web/").build(), new RecordingExchange());
        assertThat(next.target()).as("not shed by a slot the failed request kept").isEqualTo("10.0.0.1:8080");
        assertThat(mesh.describe().toString()).doesNotContain("activeRequests=1");
      }
    }
  }
}
