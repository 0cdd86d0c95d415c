package dev.mesh4j.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Rolling one-minute windows on an injected time: buckets roll over, old seconds drop out. */
class WindowTest {
  static final long SECOND = 1_000_000_000L;
  static final long MS = 1_000_000L;

  @Test
  void countsRequestsAndErrorsOfTheLastMinuteOnly() {
    Window w = Window.withLatencies();
    long t0 = 1_000 * SECOND;
    for (int s = 0; s < 90; s++) {
      w.record(t0 + s * SECOND, s % 10 == 0, 5 * MS);       // one request a second, every tenth an error
      w.record(t0 + s * SECOND + SECOND / 2, false, 5 * MS);
    }
    long now = t0 + 89 * SECOND + SECOND / 2;
    Window.Totals t = w.totals(now, Window.SECONDS);
    // Seconds 30..89 are in the window: 60 seconds, 2 requests each, errors at 30, 40, …, 80.
    assertThat(t.requests()).isEqualTo(120);
    assertThat(t.errors()).isEqualTo(6);
    assertThat(w.totals(now, 10).requests()).isEqualTo(20);
  }

  @Test
  void aBucketIsClearedWhenItsSecondComesRoundAgainEvenAfterAGap() {
    Window w = Window.countsOnly();
    w.count(5 * SECOND);
    w.count(5 * SECOND + 1);
    assertThat(w.totals(5 * SECOND, 60).requests()).isEqualTo(2);
    // 65 s later the same bucket serves second 70; the old counts must not leak into it.
    w.count(65 * SECOND);
    assertThat(w.totals(65 * SECOND, 60).requests()).isEqualTo(1);
    // Far later, nothing is left in the window at all.
    assertThat(w.totals(1_000 * SECOND, 60).requests()).isZero();
  }

  @Test
  void quantilesComeFromTheHistogramWithinOneBucket() {
    Window w = Window.withLatencies();
    long now = 10 * SECOND;
    for (int i = 1; i <= 1000; i++) {
      w.record(now, false, i * MS);   // 1 ms .. 1000 ms, uniformly
    }
    Window.Totals t = w.totals(now, 60);
    // True p50 is 500 ms, p99 990 ms; a bucket is a factor sqrt(2) wide.
    assertThat(t.quantileMillis(0.5)).isBetween(500 / Math.sqrt(2), 500 * Math.sqrt(2));
    assertThat(t.quantileMillis(0.99)).isBetween(990 / Math.sqrt(2), 990 * Math.sqrt(2));
    assertThat(Window.withLatencies().totals(now, 60).quantileMillis(0.5)).isNaN();
  }

  @Test
  void latencyBucketsCoverSubMillisecondToMinutes() {
    assertThat(Latency.bucket(0)).isZero();
    assertThat(Latency.bucket(100_000)).isZero();
    assertThat(Latency.bucket(100_001)).isEqualTo(1);
    assertThat(Latency.bucket(Long.MAX_VALUE)).isEqualTo(Latency.BUCKETS - 1);
    long[] h = new long[Latency.BUCKETS];
    h[Latency.bucket(3 * MS)] = 1;
    assertThat(Latency.quantileMillis(h, 1.0)).isCloseTo(3, within(3 * (Math.sqrt(2) - 1)));
  }
}
