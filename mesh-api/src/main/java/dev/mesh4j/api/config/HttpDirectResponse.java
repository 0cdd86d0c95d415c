package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * A fixed response answered by mesh4j itself ({@code HTTPDirectResponse}).
 *
 * @param status the HTTP status
 * @param bodyString the body given as {@code body.string}
 * @param bodyBase64 the body given as {@code body.bytes} (base64, as in the YAML)
 */
public record HttpDirectResponse(
    int status, @Nullable String bodyString, @Nullable String bodyBase64) {

  /** The body bytes (empty when no body was given). */
  public byte[] body() {
    if (bodyString != null) {
      return bodyString.getBytes(StandardCharsets.UTF_8);
    }
    if (bodyBase64 != null) {
      return Base64.getDecoder().decode(bodyBase64);
    }
    return new byte[0];
  }

  /** A builder of a direct response without a body; the status is 0 (invalid) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this direct response. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.status = status;
    b.bodyString = bodyString;
    b.bodyBase64 = bodyBase64;
    return b;
  }

  /**
   * Builds an {@link HttpDirectResponse}. Setters replace. No validation (Istio allows one of
   * {@code body.string} and {@code body.bytes}; the mesh checks). Not thread-safe.
   */
  public static final class Builder {
    private int status;
    private @Nullable String bodyString;
    private @Nullable String bodyBase64;

    private Builder() {}

    /** Sets the HTTP status answered (Istio {@code status}). */
    public Builder status(int status) {
      this.status = status;
      return this;
    }

    /** Sets the body as text, sent as UTF-8 (Istio {@code body.string}). */
    public Builder bodyString(String body) {
      this.bodyString = requireNonNull(body, "body");
      return this;
    }

    /** Sets the body as bytes (Istio {@code body.bytes}, which the YAML gives in base64). */
    public Builder bodyBytes(byte[] body) {
      this.bodyBase64 = Base64.getEncoder().encodeToString(requireNonNull(body, "body"));
      return this;
    }

    /** The direct response as set so far. */
    public HttpDirectResponse build() {
      return new HttpDirectResponse(status, bodyString, bodyBase64);
    }
  }
}
