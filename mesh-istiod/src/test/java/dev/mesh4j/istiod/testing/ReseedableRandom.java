package dev.mesh4j.istiod.testing;

import dev.mesh4j.api.runtime.RandomSource;

/**
 * A seeded random source that a test can put back to a seed: two meshes that start up
 * differently (one reads files at once, the other applies xDS responses as they come, drawing
 * for each cluster it builds) then draw the same numbers for the requests under test.
 */
public final class ReseedableRandom implements RandomSource {
  private volatile RandomSource delegate;

  public ReseedableRandom(long seed) {
    reseed(seed);
  }

  public void reseed(long seed) {
    delegate = RandomSource.seeded(seed);
  }

  @Override
  public int nextInt(int bound) {
    return delegate.nextInt(bound);
  }

  @Override
  public long nextLong(long bound) {
    return delegate.nextLong(bound);
  }

  @Override
  public long nextLong() {
    return delegate.nextLong();
  }
}
