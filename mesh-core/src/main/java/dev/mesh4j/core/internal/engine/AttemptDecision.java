package dev.mesh4j.core.internal.engine;

import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.observe.RetryDecision;
import org.jspecify.annotations.Nullable;

/**
 * What the end of an attempt means for its request, as Envoy's router decides it: send it again,
 * hand the upstream's response to the application, or answer locally. Carries the reason, in the
 * terms of the rule it follows. Immutable.
 *
 * @param kind what to do
 * @param reply the local reply, for {@link Kind#REPLY}
 * @param reason why
 * @param overflow whether the cluster's {@code maxRetries} kept a wanted retry from being made
 */
record AttemptDecision(Kind kind, @Nullable LocalReply reply, String reason, boolean overflow) {

  enum Kind {
    /** Send the request again, after the back-off. */
    RETRY,
    /** Hand the upstream's response to the application. */
    DELIVER,
    /** Answer with {@link #reply()}. */
    REPLY
  }

  static AttemptDecision retry(String reason) {
    return new AttemptDecision(Kind.RETRY, null, reason, false);
  }

  static AttemptDecision deliver(String reason) {
    return new AttemptDecision(Kind.DELIVER, null, reason, false);
  }

  static AttemptDecision reply(LocalReply reply, String reason) {
    return new AttemptDecision(Kind.REPLY, reply, reason, false);
  }

  AttemptDecision overflowed() {
    return new AttemptDecision(kind, reply, reason, true);
  }

  boolean retries() {
    return kind == Kind.RETRY;
  }

  /** As listeners see it. */
  RetryDecision toEvent() {
    return new RetryDecision(kind == Kind.RETRY, reason);
  }
}
