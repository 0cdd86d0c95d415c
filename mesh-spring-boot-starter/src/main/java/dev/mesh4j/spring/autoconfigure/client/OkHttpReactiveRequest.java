package dev.mesh4j.spring.autoconfigure.client;

import java.net.URI;
import java.util.List;
import java.util.StringJoiner;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.AbstractClientHttpRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A WebClient request for {@link MeshClientHttpConnector}: the body is collected, then sent as one OkHttp call. */
final class OkHttpReactiveRequest extends AbstractClientHttpRequest {
  private final HttpMethod method;
  private final URI uri;
  private final DataBufferFactory bufferFactory;
  private byte @Nullable [] body;

  OkHttpReactiveRequest(HttpMethod method, URI uri, DataBufferFactory bufferFactory) {
    this.method = method;
    this.uri = uri;
    this.bufferFactory = bufferFactory;
  }

  /** The OkHttp request: method, URL, headers (cookies included) and the collected body. */
  Request toOkHttp() {
    return OkHttpRequests.build(method.name(), uri, getHeaders(), body);
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
  public DataBufferFactory bufferFactory() {
    return bufferFactory;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T getNativeRequest() {
    return (T) toOkHttp();
  }

  @Override
  public Mono<Void> writeWith(Publisher<? extends DataBuffer> content) {
    return doCommit(() -> DataBufferUtils.join(content).doOnNext(buffer -> {
      byte[] bytes = new byte[buffer.readableByteCount()];
      buffer.read(bytes);
      DataBufferUtils.release(buffer);
      body = bytes;
    }).then());
  }

  @Override
  public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> content) {
    return writeWith(Flux.from(content).concatMap(Flux::from));
  }

  @Override
  public Mono<Void> setComplete() {
    return doCommit();
  }

  @Override
  protected void applyHeaders() {
    // Read from getHeaders() when the OkHttp request is built.
  }

  @Override
  protected void applyCookies() {
    if (getCookies().isEmpty()) {
      return;
    }
    StringJoiner cookies = new StringJoiner("; ");
    for (List<HttpCookie> values : getCookies().values()) {
      for (HttpCookie c : values) {
        cookies.add(c.getName() + "=" + c.getValue());
      }
    }
    HttpHeaders headers = getHeaders();
    headers.add(HttpHeaders.COOKIE, cookies.toString());
  }
}
