package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Rewrites applied before forwarding ({@code HTTPRewrite}).
 *
 * @param uri replaces the matched prefix (for a {@code prefix} match) or the whole path
 * @param authority replaces the {@code Host}/authority
 * @param uriRegexRewrite replaces the parts of the path matching a regex
 */
public record HttpRewrite(
    @Nullable String uri, @Nullable String authority, @Nullable RegexRewrite uriRegexRewrite) {

  /** A builder of a rewrite that, until given one, rewrites nothing. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this rewrite. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.uri = uri;
    b.authority = authority;
    b.uriRegexRewrite = uriRegexRewrite;
    return b;
  }

  /**
   * Builds an {@link HttpRewrite}. Setters replace; as in Istio, an empty string means unset. No
   * validation. Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private @Nullable String uri;
    private @Nullable String authority;
    private @Nullable RegexRewrite uriRegexRewrite;

    private Builder() {}

    /** Replaces the matched prefix, or the whole path (Istio {@code uri}). */
    public Builder uri(String uri) {
      this.uri = Builders.emptyIsUnset(uri, "uri");
      return this;
    }

    /** Replaces the {@code Host}/authority (Istio {@code authority}). */
    public Builder authority(String authority) {
      this.authority = Builders.emptyIsUnset(authority, "authority");
      return this;
    }

    /** Replaces the parts of the path that match a regex (Istio {@code uriRegexRewrite}). */
    public Builder uriRegexRewrite(RegexRewrite uriRegexRewrite) {
      this.uriRegexRewrite = requireNonNull(uriRegexRewrite, "uriRegexRewrite");
      return this;
    }

    /**
     * Replaces the parts of the path that match a regex, built now (Istio {@code uriRegexRewrite}).
     */
    public Builder uriRegexRewrite(RegexRewrite.Builder uriRegexRewrite) {
      return uriRegexRewrite(requireNonNull(uriRegexRewrite, "uriRegexRewrite").build());
    }

    /** The rewrite as set so far. */
    public HttpRewrite build() {
      return new HttpRewrite(uri, authority, uriRegexRewrite);
    }
  }
}
