package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
   * A builder of consistent-hash settings without a hash key (nothing is hashed) until given one.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.httpHeaderName = httpHeaderName;
    b.httpCookie = httpCookie;
    b.useSourceIp = useSourceIp;
    b.httpQueryParameterName = httpQueryParameterName;
    b.ringHashMinimumRingSize = ringHashMinimumRingSize;
    b.maglevTableSize = maglevTableSize;
    b.maglev = maglev;
    return b;
  }

  /**
   * Builds {@link ConsistentHashLb}. Setters replace. No validation (Istio allows one hash key,
   * and one of ring hash and Maglev; the mesh checks). Not thread-safe; {@link #build()} may be
   * called again after further changes.
   */
  public static final class Builder {
    private @Nullable String httpHeaderName;
    private @Nullable HttpCookie httpCookie;
    private boolean useSourceIp;
    private @Nullable String httpQueryParameterName;
    private @Nullable Long ringHashMinimumRingSize;
    private @Nullable Long maglevTableSize;
    private boolean maglev;

    private Builder() {}

    /** Hashes the value of a request header (Istio {@code httpHeaderName}). */
    public Builder httpHeaderName(String httpHeaderName) {
      this.httpHeaderName = requireNonNull(httpHeaderName, "httpHeaderName");
      return this;
    }

    /** Hashes the value of a cookie (Istio {@code httpCookie}). */
    public Builder httpCookie(HttpCookie httpCookie) {
      this.httpCookie = requireNonNull(httpCookie, "httpCookie");
      return this;
    }

    /** Hashes the value of a cookie, built now (Istio {@code httpCookie}). */
    public Builder httpCookie(HttpCookie.Builder httpCookie) {
      return httpCookie(requireNonNull(httpCookie, "httpCookie").build());
    }

    /** Sets whether the calling workload's IP is hashed (Istio {@code useSourceIp}). */
    public Builder useSourceIp(boolean useSourceIp) {
      this.useSourceIp = useSourceIp;
      return this;
    }

    /** Hashes the value of a query parameter (Istio {@code httpQueryParameterName}). */
    public Builder httpQueryParameterName(String httpQueryParameterName) {
      this.httpQueryParameterName =
          requireNonNull(httpQueryParameterName, "httpQueryParameterName");
      return this;
    }

    /**
     * Uses a ring hash of at least this size (Istio {@code ringHash.minimumRingSize}); 0 means
     * Envoy's default, 1024 ({@link #DEFAULT_MINIMUM_RING_SIZE}), as in Istio. Ring hash is the
     * default algorithm.
     */
    public Builder ringHash(long minimumRingSize) {
      this.ringHashMinimumRingSize =
          minimumRingSize == 0 ? DEFAULT_MINIMUM_RING_SIZE : minimumRingSize;
      return this;
    }

    /** Uses Maglev with this table size, a prime below 5000011 (Istio {@code maglev.tableSize}). */
    public Builder maglev(long tableSize) {
      this.maglevTableSize = tableSize;
      this.maglev = true;
      return this;
    }

    /** The settings as set so far. */
    public ConsistentHashLb build() {
      return new ConsistentHashLb(httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName,
          ringHashMinimumRingSize, maglevTableSize, maglev);
    }
  }

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

    /** A builder of a hashed cookie; the name is empty (and so invalid) until set. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder pre-filled with this cookie. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.name = name;
      b.path = path;
      b.ttl = ttl;
      b.attributes.addAll(attributes);
      return b;
    }

    /**
     * Builds an {@link HttpCookie}. Attributes accumulate; other setters replace. No validation.
     * Not thread-safe; {@link #build()} may be called again after further changes.
     */
    public static final class Builder {
      private String name = "";
      private @Nullable String path;
      private @Nullable Duration ttl;
      private final List<Attribute> attributes = new ArrayList<>();

      private Builder() {}

      /** Sets the cookie's name (Istio {@code name}). */
      public Builder name(String name) {
        this.name = requireNonNull(name, "name");
        return this;
      }

      /** Sets the path of a generated cookie (Istio {@code path}). */
      public Builder path(String path) {
        this.path = requireNonNull(path, "path");
        return this;
      }

      /**
       * Sets the lifetime of a generated cookie; zero makes a session cookie (Istio {@code ttl}).
       * Unset, no cookie is generated.
       */
      public Builder ttl(Duration ttl) {
        this.ttl = requireNonNull(ttl, "ttl");
        return this;
      }

      /** Adds attributes set on a generated cookie (Istio {@code attributes}). */
      public Builder attributes(Attribute... attributes) {
        Builders.addAll(this.attributes, attributes, "attributes");
        return this;
      }

      /** Adds attributes set on a generated cookie, built now (Istio {@code attributes}). */
      public Builder attributes(Attribute.Builder... attributes) {
        requireNonNull(attributes, "attributes");
        for (Attribute.Builder a : attributes) {
          this.attributes.add(requireNonNull(a, "attributes").build());
        }
        return this;
      }

      /** Adds attributes set on a generated cookie (Istio {@code attributes}). */
      public Builder attributes(Collection<Attribute> attributes) {
        Builders.addAll(this.attributes, attributes, "attributes");
        return this;
      }

      /** The cookie as set so far. */
      public HttpCookie build() {
        return new HttpCookie(name, path, ttl, attributes);
      }
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

    /** A builder of a cookie attribute; the name is empty (and so invalid) until set. */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder pre-filled with this attribute. */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.name = name;
      b.value = value;
      return b;
    }

    /** Builds an {@link Attribute}. Setters replace. No validation. Not thread-safe. */
    public static final class Builder {
      private String name = "";
      private @Nullable String value;

      private Builder() {}

      /** Sets the attribute's name, e.g. {@code SameSite} (Istio {@code name}). */
      public Builder name(String name) {
        this.name = requireNonNull(name, "name");
        return this;
      }

      /**
       * Sets the attribute's value; unset for a flag such as {@code Secure} (Istio {@code value}).
       */
      public Builder value(String value) {
        this.value = requireNonNull(value, "value");
        return this;
      }

      /** The attribute as set so far. */
      public Attribute build() {
        return new Attribute(name, value);
      }
    }
  }
}
