package dev.mesh4j.conformance;

import dev.mesh4j.core.Mesh;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * How the conformance suite reaches the mesh through one HTTP transport: a client of that
 * transport with the mesh installed, sending a request and reading its status, headers and body.
 * The suite runs once per transport (OkHttp's, the JDK {@code HttpClient}'s), each module
 * supplying its own implementation; the assertions are the same for every transport.
 */
public interface Transport {

  /** A client of this transport with the mesh installed, configured as {@code options} say. */
  Client client(Mesh mesh, ClientOptions options);

  /**
   * The exception the application gets when its own call timeout ({@link ClientOptions#callTimeout})
   * fires before the response: OkHttp's {@code InterruptedIOException}, the JDK's
   * {@code HttpTimeoutException}.
   */
  Class<? extends IOException> callTimeout();

  /** One application client, through the mesh. Thread-safe. */
  interface Client {
    /**
     * Sends {@code method url} with the given header name/value pairs (and an empty body for
     * {@code POST} and {@code PUT}) and reads the whole response.
     */
    Reply call(String method, String url, String... headers) throws IOException;

    /** The same, sent asynchronously as the transport does (OkHttp's {@code enqueue}, the JDK's {@code sendAsync}). */
    CompletableFuture<Reply> callAsync(String method, String url, String... headers);
  }
}
