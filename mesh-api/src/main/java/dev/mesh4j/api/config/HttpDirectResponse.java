package dev.mesh4j.api.config;

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
}
