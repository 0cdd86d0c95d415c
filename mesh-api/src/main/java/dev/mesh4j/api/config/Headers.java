package dev.mesh4j.api.config;

/**
 * Header manipulation for requests and responses.
 *
 * @param request applied to the request before it is forwarded
 * @param response applied to the response before it is returned to the application
 */
public record Headers(HeaderOperations request, HeaderOperations response) {

  /** No manipulation. */
  public static final Headers NONE = new Headers(HeaderOperations.NONE, HeaderOperations.NONE);

  public Headers {
    request = request == null ? HeaderOperations.NONE : request;
    response = response == null ? HeaderOperations.NONE : response;
  }

  /** Whether neither requests nor responses are changed. */
  public boolean isEmpty() {
    return request.isEmpty() && response.isEmpty();
  }
}
