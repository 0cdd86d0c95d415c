package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One {@code match} entry of an HTTP route: every set field must hold (AND).
 *
 * @param name optional name, kept for explain output and logs
 * @param uri the path without the query string
 * @param scheme the URI scheme
 * @param method the HTTP method
 * @param authority the {@code Host}/authority, host[:port]
 * @param headers lower-cased header name to match; several values of one header are joined with
 *     {@code ","} first
 * @param withoutHeaders the same form, inverted; a missing header counts as empty
 * @param queryParams query parameter name to match
 * @param ignoreUriCase whether {@code uri} exact and prefix compare case-insensitively
 * @param port the port the client addressed
 * @param sourceLabels labels the calling workload must carry
 * @param gateways the gateways the calling workload must act as
 * @param sourceNamespace the namespace the calling workload must be in
 */
public record HttpMatchRequest(
    @Nullable String name,
    @Nullable StringMatch uri,
    @Nullable StringMatch scheme,
    @Nullable StringMatch method,
    @Nullable StringMatch authority,
    Map<String, StringMatch> headers,
    Map<String, StringMatch> withoutHeaders,
    Map<String, StringMatch> queryParams,
    boolean ignoreUriCase,
    @Nullable Integer port,
    Map<String, String> sourceLabels,
    List<String> gateways,
    @Nullable String sourceNamespace) {

  public HttpMatchRequest {
    headers = Copies.map(headers);
    withoutHeaders = Copies.map(withoutHeaders);
    queryParams = Copies.map(queryParams);
    sourceLabels = Copies.map(sourceLabels);
    gateways = Copies.list(gateways);
  }

  /** A builder of a match that, until given conditions, matches every request. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this match. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.uri = uri;
    b.scheme = scheme;
    b.method = method;
    b.authority = authority;
    b.headers.putAll(headers);
    b.withoutHeaders.putAll(withoutHeaders);
    b.queryParams.putAll(queryParams);
    b.ignoreUriCase = ignoreUriCase;
    b.port = port;
    b.sourceLabels.putAll(sourceLabels);
    b.gateways.addAll(gateways);
    b.sourceNamespace = sourceNamespace;
    return b;
  }

  /**
   * Builds an {@link HttpMatchRequest}. Maps and lists accumulate; other setters replace. Header
   * names are lower-cased (they are case-insensitive). No validation. Not thread-safe;
   * {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private @Nullable String name;
    private @Nullable StringMatch uri;
    private @Nullable StringMatch scheme;
    private @Nullable StringMatch method;
    private @Nullable StringMatch authority;
    private final Map<String, StringMatch> headers = new LinkedHashMap<>();
    private final Map<String, StringMatch> withoutHeaders = new LinkedHashMap<>();
    private final Map<String, StringMatch> queryParams = new LinkedHashMap<>();
    private boolean ignoreUriCase;
    private @Nullable Integer port;
    private final Map<String, String> sourceLabels = new LinkedHashMap<>();
    private final List<String> gateways = new ArrayList<>();
    private @Nullable String sourceNamespace;

    private Builder() {}

    /** Sets the match's name, shown in explain output and logs (Istio {@code name}). */
    public Builder name(String name) {
      this.name = requireNonNull(name, "name");
      return this;
    }

    /**
     * Matches the path, without the query string (Istio {@code uri}); an empty StringMatch
     * ({@link StringMatch#present()}) constrains nothing and leaves it unset, as in Istio.
     */
    public Builder uri(StringMatch uri) {
      this.uri = requireNonNull(uri, "uri").kind() == StringMatch.Kind.PRESENT ? null : uri;
      return this;
    }

    /** Matches the URI scheme (Istio {@code scheme}). */
    public Builder scheme(StringMatch scheme) {
      this.scheme = requireNonNull(scheme, "scheme");
      return this;
    }

    /** Matches the HTTP method (Istio {@code method}). */
    public Builder method(StringMatch method) {
      this.method = requireNonNull(method, "method");
      return this;
    }

    /** Matches the {@code Host}/authority, host[:port] (Istio {@code authority}). */
    public Builder authority(StringMatch authority) {
      this.authority = requireNonNull(authority, "authority");
      return this;
    }

    /** Adds a request header condition; the name is case-insensitive (Istio {@code headers}). */
    public Builder header(String name, StringMatch match) {
      headers.put(Builders.headerName(name, "name"), requireNonNull(match, "match"));
      return this;
    }

    /** Adds request header conditions; names are case-insensitive (Istio {@code headers}). */
    public Builder headers(Map<String, StringMatch> headers) {
      requireNonNull(headers, "headers");
      headers.forEach((name, match) ->
          header(requireNonNull(name, "headers"), requireNonNull(match, "headers")));
      return this;
    }

    /**
     * Adds a condition a request header must not meet; a missing header counts as empty (Istio
     * {@code withoutHeaders}).
     */
    public Builder withoutHeader(String name, StringMatch match) {
      withoutHeaders.put(Builders.headerName(name, "name"), requireNonNull(match, "match"));
      return this;
    }

    /** Adds conditions request headers must not meet (Istio {@code withoutHeaders}). */
    public Builder withoutHeaders(Map<String, StringMatch> withoutHeaders) {
      requireNonNull(withoutHeaders, "withoutHeaders");
      withoutHeaders.forEach((name, match) -> withoutHeader(requireNonNull(name, "withoutHeaders"),
          requireNonNull(match, "withoutHeaders")));
      return this;
    }

    /** Adds a query parameter condition (Istio {@code queryParams}). */
    public Builder queryParam(String name, StringMatch match) {
      queryParams.put(requireNonNull(name, "name"), requireNonNull(match, "match"));
      return this;
    }

    /** Adds query parameter conditions (Istio {@code queryParams}). */
    public Builder queryParams(Map<String, StringMatch> queryParams) {
      Builders.putAll(this.queryParams, queryParams, "queryParams");
      return this;
    }

    /**
     * Sets whether {@code uri} exact and prefix matches ignore case (Istio {@code ignoreUriCase}).
     */
    public Builder ignoreUriCase(boolean ignoreUriCase) {
      this.ignoreUriCase = ignoreUriCase;
      return this;
    }

    /** Matches the port the client addressed (Istio {@code port}); 0 means unset, as in Istio. */
    public Builder port(int port) {
      this.port = Builders.zeroIsUnset(port);
      return this;
    }

    /** Adds a label the calling workload must carry (Istio {@code sourceLabels}). */
    public Builder sourceLabel(String name, String value) {
      sourceLabels.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
      return this;
    }

    /** Adds labels the calling workload must carry (Istio {@code sourceLabels}). */
    public Builder sourceLabels(Map<String, String> sourceLabels) {
      Builders.putAll(this.sourceLabels, sourceLabels, "sourceLabels");
      return this;
    }

    /** Adds gateways the calling workload must act as (Istio {@code gateways}). */
    public Builder gateways(String... gateways) {
      Builders.addAll(this.gateways, gateways, "gateways");
      return this;
    }

    /** Adds gateways the calling workload must act as (Istio {@code gateways}). */
    public Builder gateways(Collection<String> gateways) {
      Builders.addAll(this.gateways, gateways, "gateways");
      return this;
    }

    /**
     * Sets the namespace the calling workload must be in (Istio {@code sourceNamespace}); empty
     * means unset, as in Istio.
     */
    public Builder sourceNamespace(String sourceNamespace) {
      this.sourceNamespace = Builders.emptyIsUnset(sourceNamespace, "sourceNamespace");
      return this;
    }

    /** The match as set so far. */
    public HttpMatchRequest build() {
      return new HttpMatchRequest(name, uri, scheme, method, authority, headers, withoutHeaders,
          queryParams, ignoreUriCase, port, sourceLabels, gateways, sourceNamespace);
    }
  }
}
