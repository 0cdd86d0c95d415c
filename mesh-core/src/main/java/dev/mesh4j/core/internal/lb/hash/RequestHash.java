package dev.mesh4j.core.internal.lb.hash;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The outcome of hashing one request for consistent-hash load balancing: the hash, if the
 * request has one, and the {@code Set-Cookie} header values the engine must add to the response
 * it returns to the application.
 *
 * <p>Envoy's router computes the hash once per request ({@code Router::Filter::computeHashKey})
 * and keeps it for every retry, so the engine should hash once and reuse this value for all
 * attempts. A request without a hash ({@link #NONE}) is balanced by a random 64-bit value, as
 * Envoy's {@code ThreadAwareLoadBalancerBase::LoadBalancerImpl::chooseHost} does.
 *
 * <p>{@link #setCookies()} is non-empty only when an {@code httpCookie} policy with a
 * {@code ttl} found no cookie in the request and generated one
 * ({@code Router::Filter::addDownstreamSetCookie}); each value goes into its own
 * {@code Set-Cookie} response header, whatever the response status.
 *
 * @param present whether the request has a hash; false means "pick at random"
 * @param value the hash, an unsigned 64-bit value; 0 when not present
 * @param setCookies values of {@code Set-Cookie} headers to add to the response, in policy order
 */
public record RequestHash(boolean present, long value, List<String> setCookies) {
  /** No hash: the balancer picks at random. */
  public static final RequestHash NONE = new RequestHash(false, 0, List.of());

  public RequestHash {
    setCookies = List.copyOf(requireNonNull(setCookies, "setCookies"));
    if (!present && (value != 0 || !setCookies.isEmpty())) {
      throw new IllegalArgumentException("an absent hash has no value and no cookie");
    }
  }

  /** A hash without a generated cookie. */
  public static RequestHash of(long value) {
    return new RequestHash(true, value, List.of());
  }

  @Override
  public String toString() {
    if (!present) {
      return "RequestHash[none]";
    }
    return "RequestHash[" + Long.toUnsignedString(value)
        + (setCookies.isEmpty() ? "" : ", set-cookie " + setCookies) + "]";
  }
}
