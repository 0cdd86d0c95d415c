package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Consistent-hash load balancing ({@code LoadBalancerSettings.ConsistentHashLB}): exactly one
 * hash key, and ring hash (default) or Maglev.
 *
 * @param httpHeaderName hash the value of this request header
 * @param httpCookie hash the value of this cookie (generating it when absent and a ttl is set)
 * @param useSourceIp hash the calling workload's IP
 * @param httpQueryParameterName hash the value of this query parameter
 * @param ringHashMinimumRingSize ring hash with this minimum ring size (from {@code ringHash}
 *     or the deprecated {@code minimumRingSize}); null when not given
 * @param maglevTableSize Maglev with this table size; null when Maglev is not chosen
 * @param maglev whether Maglev was chosen (with a prime {@code tableSize} below 5000011)
 */
public record ConsistentHashLb(
    @Nullable String httpHeaderName,
    @Nullable HttpCookie httpCookie,
    boolean useSourceIp,
    @Nullable String httpQueryParameterName,
    @Nullable Long ringHashMinimumRingSize,
    @Nullable Long maglevTableSize,
    boolean maglev) {

  /** Envoy's default minimum ring size, used by Istio when none is given. */
  public static final long DEFAULT_MINIMUM_RING_SIZE = 1024;
  /** Envoy's default Maglev table size. */
  public static final long DEFAULT_MAGLEV_TABLE_SIZE = 65537;

  /**
   * The cookie to hash ({@code HTTPCookie}).
   *
   * @param name the cookie name
   * @param path the path set on a generated cookie, or null
   * @param ttl the lifetime of a generated cookie; null means no cookie is generated; zero
   *     means a session cookie
   * @param attributes extra attributes set on a generated cookie
   */
  public record HttpCookie(
      String name, @Nullable String path, @Nullable Duration ttl, List<Attribute> attributes) {
    public HttpCookie {
      requireNonNull(name, "name");
      attributes = Copies.list(attributes);
    }
  }

  /**
   * A cookie attribute.
   *
   * @param name the attribute name
   * @param value the attribute value, or null for a flag such as {@code Secure}
   */
  public record Attribute(String name, @Nullable String value) {
    public Attribute {
      requireNonNull(name, "name");
    }
  }
}
