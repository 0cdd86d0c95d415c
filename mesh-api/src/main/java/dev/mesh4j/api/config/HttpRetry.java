package dev.mesh4j.api.config;

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
    @Nullable Duration backoff) {}
