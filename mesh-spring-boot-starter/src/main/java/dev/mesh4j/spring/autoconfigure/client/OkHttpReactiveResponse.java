package dev.mesh4j.spring.autoconfigure.client;

import java.time.Duration;
import okhttp3.Cookie;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** An OkHttp response for WebClient; the body is read on {@code boundedElastic} and the response closed after it. */
final class OkHttpReactiveResponse implements ClientHttpResponse {
  private static final int CHUNK = 8192;

  private final Response response;
  private final DataBufferFactory bufferFactory;
  private @Nullable HttpHeaders headers;

  OkHttpReactiveResponse(Response response, DataBufferFactory bufferFactory) {
    this.response = response;
    this.bufferFactory = bufferFactory;
  }

  @Override
  public HttpStatusCode getStatusCode() {
    return HttpStatusCode.valueOf(response.code());
  }

  @Override
  public HttpHeaders getHeaders() {
    HttpHeaders h = headers;
    if (h == null) {
      h = OkHttpRequests.headers(response.headers());
      headers = h;
    }
    return h;
  }

  @Override
  public MultiValueMap<String, ResponseCookie> getCookies() {
    MultiValueMap<String, ResponseCookie> cookies = new LinkedMultiValueMap<>();
    for (String header : response.headers("Set-Cookie")) {
      Cookie c = Cookie.parse(response.request().url(), header);
      if (c != null) {
        ResponseCookie.ResponseCookieBuilder b = ResponseCookie.from(c.name(), c.value())
            .path(c.path()).secure(c.secure()).httpOnly(c.httpOnly());
        if (!c.hostOnly()) {
          b.domain(c.domain());
        }
        if (c.persistent()) {
          b.maxAge(Duration.ofMillis(Math.max(0, c.expiresAt() - System.currentTimeMillis())));
        }
        cookies.add(c.name(), b.build());
      }
    }
    return cookies;
  }

  @Override
  public Flux<DataBuffer> getBody() {
    return DataBufferUtils.readInputStream(() -> response.body().byteStream(), bufferFactory, CHUNK)
        .subscribeOn(Schedulers.boundedElastic())
        .doFinally(signal -> response.close());
  }
}
