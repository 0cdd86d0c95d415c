package dev.mesh4j.jdkhttp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/**
 * A response as the application sees it: the logical request and URI it made (never an
 * endpoint's address), the headers after the route's changes, and the body its handler read.
 * Immutable.
 */
final class MeshedResponse<T> implements HttpResponse<T> {
  private final int status;
  private final HttpRequest request;
  private final @Nullable HttpResponse<T> previous;
  private final HttpHeaders headers;
  private final @Nullable T body;
  private final @Nullable SSLSession session;
  private final HttpClient.Version version;

  MeshedResponse(int status, HttpRequest request, @Nullable HttpResponse<T> previous, HttpHeaders headers,
      @Nullable T body, @Nullable SSLSession session, HttpClient.Version version) {
    this.status = status;
    this.request = request;
    this.previous = previous;
    this.headers = headers;
    this.body = body;
    this.session = session;
    this.version = version;
  }

  @Override
  public int statusCode() {
    return status;
  }

  @Override
  public HttpRequest request() {
    return request;
  }

  @Override
  public Optional<HttpResponse<T>> previousResponse() {
    return Optional.ofNullable(previous);
  }

  @Override
  public HttpHeaders headers() {
    return headers;
  }

  /** The body, or null for an intermediate response (a redirect followed), as the JDK's. */
  @Override
  public @Nullable T body() {
    return body;
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return Optional.ofNullable(session);
  }

  @Override
  public URI uri() {
    return request.uri();
  }

  @Override
  public HttpClient.Version version() {
    return version;
  }

  @Override
  public String toString() {
    return "(" + request.method() + " " + request.uri() + ") " + status;
  }
}
