package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A weighted destination of an HTTP route.
 *
 * @param destination where to send the request
 * @param weight the relative weight, or null when not given (one destination without a weight
 *     takes all traffic)
 * @param headers header manipulation for requests sent to this destination
 */
public record HttpRouteDestination(
    Destination destination, @Nullable Integer weight, Headers headers) {

  public HttpRouteDestination {
    requireNonNull(destination, "destination");
    headers = headers == null ? Headers.NONE : headers;
  }

  public static HttpRouteDestination of(Destination destination, int weight) {
    return new HttpRouteDestination(destination, weight, Headers.NONE);
  }
}
