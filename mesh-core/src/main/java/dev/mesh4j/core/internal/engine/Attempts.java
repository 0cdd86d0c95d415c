package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.internal.lb.PickContext;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The per-request view load balancers get across attempts: the random source, the request's
 * hash, and the hosts already tried (Envoy's {@code previous_hosts} retry predicate, when the
 * retry policy has it). One per request, used by one thread at a time.
 */
final class Attempts implements PickContext {
  private final RandomSource random;
  private final boolean avoidPrevious;
  private final boolean hasHash;
  private final long hash;
  private @Nullable UpstreamHost[] tried;
  private int triedCount;

  Attempts(RandomSource random, boolean avoidPrevious, boolean hasHash, long hash) {
    this.random = random;
    this.avoidPrevious = avoidPrevious;
    this.hasHash = hasHash;
    this.hash = hash;
  }

  @Override
  public RandomSource random() {
    return random;
  }

  @Override
  public boolean hasHash() {
    return hasHash;
  }

  @Override
  public long hash() {
    return hash;
  }

  @Override
  public boolean shouldAvoid(UpstreamHost host) {
    if (!avoidPrevious || tried == null) {
      return false;
    }
    for (int i = 0; i < triedCount; i++) {
      if (tried[i].state() == host.state()) {
        return true;
      }
    }
    return false;
  }

  /** Remembers a host an attempt went to. */
  void tried(@Nullable UpstreamHost host) {
    if (host == null) {
      return;
    }
    if (tried == null) {
      tried = new UpstreamHost[4];
    } else if (triedCount == tried.length) {
      tried = Arrays.copyOf(tried, triedCount * 2);
    }
    tried[triedCount++] = host;
  }
}
