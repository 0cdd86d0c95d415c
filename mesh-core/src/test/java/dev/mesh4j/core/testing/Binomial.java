package dev.mesh4j.core.testing;

/**
 * Tolerances for counting tests: with n independent trials of probability p, the count lies
 * within {@code z} standard deviations ({@code sqrt(n p (1-p))}) of {@code n p}. With a seeded
 * random source the outcome is fixed; the tolerance says the seed was not cherry-picked (4.5
 * sigma: a fair source fails once in ~150,000 runs).
 */
public final class Binomial {
  private Binomial() {}

  /** The default width, in standard deviations. */
  public static final double Z = 4.5;

  /** The half-width of the acceptance interval around {@code n p}. */
  public static double tolerance(int n, double p) {
    return Z * Math.sqrt(n * p * (1 - p));
  }

  /** Whether {@code count} is within the tolerance of {@code n p}. */
  public static boolean plausible(int count, int n, double p) {
    return Math.abs(count - n * p) <= tolerance(n, p);
  }
}
