package dev.mesh4j.core.observe;

import static java.util.Objects.requireNonNull;

/**
 * What the mesh decided after an attempt ended: send the request again, or not — and why, in
 * the terms of the Envoy rule it follows ({@code retryOn 5xx matched status 503},
 * {@code retries exhausted (attempts: 2)}, {@code maxRetries of the cluster reached (UO)}, …).
 * Immutable.
 *
 * @param retry whether the request is sent again
 * @param reason why, for people: the condition that matched or the rule that stopped the retry
 */
public record RetryDecision(boolean retry, String reason) {

  public RetryDecision {
    requireNonNull(reason, "reason");
  }
}
