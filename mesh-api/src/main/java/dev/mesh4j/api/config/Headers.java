package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

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

  /** A builder of header manipulation that, until given operations, changes nothing. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this header manipulation. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.request = request;
    b.response = response;
    return b;
  }

  /**
   * Builds {@link Headers}. Setters replace. No validation. Not thread-safe; {@link #build()} may
   * be called again after further changes.
   */
  public static final class Builder {
    private HeaderOperations request = HeaderOperations.NONE;
    private HeaderOperations response = HeaderOperations.NONE;

    private Builder() {}

    /** Sets the operations on the request before it is forwarded (Istio {@code request}). */
    public Builder request(HeaderOperations request) {
      this.request = requireNonNull(request, "request");
      return this;
    }

    /** Sets the operations on the request, built now (Istio {@code request}). */
    public Builder request(HeaderOperations.Builder request) {
      return request(requireNonNull(request, "request").build());
    }

    /**
     * Sets the operations on the response before the application sees it (Istio {@code response}).
     */
    public Builder response(HeaderOperations response) {
      this.response = requireNonNull(response, "response");
      return this;
    }

    /** Sets the operations on the response, built now (Istio {@code response}). */
    public Builder response(HeaderOperations.Builder response) {
      return response(requireNonNull(response, "response").build());
    }

    /** The header manipulation as set so far. */
    public Headers build() {
      return new Headers(request, response);
    }
  }
}
