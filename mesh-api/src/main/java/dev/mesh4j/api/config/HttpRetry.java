package dev.mesh4j.api.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A route's retry policy ({@code HTTPRetry}).
 *
 * @param attempts the number of retries (not counting the first try); 0 disables retries
 * @param perTryTimeout the timeout of each attempt, or null for none
 * @param retryOn comma-separated retry conditions, or null for Istio's default conditions
 * @param retryRemoteLocalities whether retries may go to other localities (accepted; mesh4j
 *     runs in one locality)
 * @param retryIgnorePreviousHosts whether retries may pick an endpoint already tried; null keeps
 *     Istio's default (prefer other endpoints)
 * @param backoff the base back-off interval, or null for Envoy's 25ms
 */
public record HttpRetry(
    int attempts,
    @Nullable Duration perTryTimeout,
    @Nullable String retryOn,
    @Nullable Boolean retryRemoteLocalities,
    @Nullable Boolean retryIgnorePreviousHosts,
    @Nullable Duration backoff) {

  /** A builder of a retry policy with 0 attempts (no retries) until set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this retry policy. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.attempts = attempts;
    b.perTryTimeout = perTryTimeout;
    b.retryOn = retryOn;
    b.retryRemoteLocalities = retryRemoteLocalities;
    b.retryIgnorePreviousHosts = retryIgnorePreviousHosts;
    b.backoff = backoff;
    return b;
  }

  /**
   * Builds an {@link HttpRetry}. Setters replace. No validation (the mesh checks attempts and
   * conditions). Not thread-safe; {@link #build()} may be called again after further changes.
   */
  public static final class Builder {
    private int attempts;
    private @Nullable Duration perTryTimeout;
    private @Nullable String retryOn;
    private @Nullable Boolean retryRemoteLocalities;
    private @Nullable Boolean retryIgnorePreviousHosts;
    private @Nullable Duration backoff;

    private Builder() {}

    /**
     * Sets the number of retries after the first try; 0 disables retries (Istio {@code attempts}).
     */
    public Builder attempts(int attempts) {
      this.attempts = attempts;
      return this;
    }

    /** Sets the timeout of each attempt (Istio {@code perTryTimeout}); none unless set. */
    public Builder perTryTimeout(Duration perTryTimeout) {
      this.perTryTimeout = requireNonNull(perTryTimeout, "perTryTimeout");
      return this;
    }

    /**
     * Sets the retry conditions, e.g. {@code retryOn("gateway-error", "connect-failure")}, joined
     * with commas as in Istio's {@code retryOn: gateway-error,connect-failure}; Istio's default
     * conditions unless set.
     */
    public Builder retryOn(String... conditions) {
      requireNonNull(conditions, "conditions");
      for (String c : conditions) {
        requireNonNull(c, "conditions");
      }
      this.retryOn = Builders.emptyIsUnset(String.join(",", conditions), "conditions");
      return this;
    }

    /** Sets whether retries may go to other localities (Istio {@code retryRemoteLocalities}). */
    public Builder retryRemoteLocalities(boolean retryRemoteLocalities) {
      this.retryRemoteLocalities = retryRemoteLocalities;
      return this;
    }

    /**
     * Sets whether a retry may pick an endpoint already tried (Istio
     * {@code retryIgnorePreviousHosts}); other endpoints are preferred unless set.
     */
    public Builder retryIgnorePreviousHosts(boolean retryIgnorePreviousHosts) {
      this.retryIgnorePreviousHosts = retryIgnorePreviousHosts;
      return this;
    }

    /** Sets the base back-off between retries (Istio {@code backoff}); Envoy's 25ms unless set. */
    public Builder backoff(Duration backoff) {
      this.backoff = requireNonNull(backoff, "backoff");
      return this;
    }

    /** The retry policy as set so far. */
    public HttpRetry build() {
      return new HttpRetry(attempts, perTryTimeout, retryOn, retryRemoteLocalities,
          retryIgnorePreviousHosts, backoff);
    }
  }
}
