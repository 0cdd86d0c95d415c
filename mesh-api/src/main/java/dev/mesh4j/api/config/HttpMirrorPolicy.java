package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

/**
 * A mirror destination: a copy of each selected request is sent there, fire and forget.
 *
 * @param destination where copies go
 * @param percentage the share of requests mirrored, 0..100 (100 when not given)
 */
public record HttpMirrorPolicy(Destination destination, double percentage) {
  public HttpMirrorPolicy {
    requireNonNull(destination, "destination");
  }
}
