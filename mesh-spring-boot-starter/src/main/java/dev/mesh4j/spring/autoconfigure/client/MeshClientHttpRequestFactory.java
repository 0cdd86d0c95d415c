package dev.mesh4j.spring.autoconfigure.client;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import okhttp3.OkHttpClient;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * A {@link ClientHttpRequestFactory} that sends through a meshed {@link OkHttpClient}, for
 * {@code RestClient} and {@code RestTemplate} (Spring Framework 7 no longer ships one for OkHttp).
 *
 * <pre>{@code
 * RestClient client = RestClient.builder().requestFactory(new MeshClientHttpRequestFactory(meshedOkHttp)).build();
 * }</pre>
 *
 * <p>Request bodies are buffered, so a retry can send them again. Responses stream. Timeouts are
 * the OkHttp client's and the mesh's (route timeouts, per-try timeouts). Thread-safe.
 */
public final class MeshClientHttpRequestFactory implements ClientHttpRequestFactory {
  private final OkHttpClient client;

  /** A factory sending through {@code client}, which should have a mesh installed ({@code MeshOkHttp}). */
  public MeshClientHttpRequestFactory(OkHttpClient client) {
    this.client = requireNonNull(client, "client");
  }

  @Override
  public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
    return new OkHttpClientHttpRequest(client, requireNonNull(uri, "uri"), requireNonNull(httpMethod, "httpMethod"));
  }

  /** The OkHttp client requests go through. */
  public OkHttpClient client() {
    return client;
  }
}
