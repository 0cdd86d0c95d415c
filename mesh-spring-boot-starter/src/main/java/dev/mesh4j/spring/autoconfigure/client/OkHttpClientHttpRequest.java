package dev.mesh4j.spring.autoconfigure.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.AbstractClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;

/** One request of {@link MeshClientHttpRequestFactory}: the body is buffered, then sent at {@code execute()}. */
final class OkHttpClientHttpRequest extends AbstractClientHttpRequest {
  private final OkHttpClient client;
  private final URI uri;
  private final HttpMethod method;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

  OkHttpClientHttpRequest(OkHttpClient client, URI uri, HttpMethod method) {
    this.client = client;
    this.uri = uri;
    this.method = method;
  }

  @Override
  public HttpMethod getMethod() {
    return method;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  protected OutputStream getBodyInternal(HttpHeaders headers) {
    return body;
  }

  @Override
  protected ClientHttpResponse executeInternal(HttpHeaders headers) throws IOException {
    Request request = OkHttpRequests.build(method.name(), uri, headers, body.toByteArray());
    return new OkHttpClientHttpResponse(client.newCall(request).execute());
  }
}
