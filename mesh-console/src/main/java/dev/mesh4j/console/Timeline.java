package dev.mesh4j.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest decisions of the mesh — retries, ejections and returns, sheds, configuration
 * applied or rejected, endpoint changes — newest last, at most {@code capacity} of them; older
 * ones drop out and are counted. Texts are cut at {@link #MAX_TEXT} characters, so the memory
 * is bounded whatever the requests carry. Thread-safe.
 */
final class Timeline {
  static final int MAX_TEXT = 300;

  /**
   * One decision.
   *
   * @param seq its number, from 1, in the order recorded
   * @param time when it happened (the mesh's clock)
   * @param kind {@code retry}, {@code no-retry}, {@code ejected}, {@code returned}, {@code shed},
   *     {@code config-applied}, {@code config-rejected}, {@code endpoints}
   * @param subject the cluster, service or source it concerns
   * @param text what happened, for people
   */
  record Entry(long seq, Instant time, String kind, String subject, String text) {}

  private final Entry[] ring;
  private long next = 1;

  Timeline(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("timeline capacity: " + capacity + " (expected: >= 1)");
    }
    this.ring = new Entry[capacity];
  }

  void add(Instant time, String kind, String subject, String text) {
    Entry e = new Entry(0, time, kind, Text.cut(subject, MAX_TEXT), Text.cut(text, MAX_TEXT));
    synchronized (this) {
      long seq = next++;
      ring[(int) ((seq - 1) % ring.length)] = new Entry(seq, e.time(), e.kind(), e.subject(), e.text());
    }
  }

  /** The entries kept, oldest first. */
  synchronized List<Entry> entries() {
    List<Entry> out = new ArrayList<>(ring.length);
    long first = Math.max(1, next - ring.length);
    for (long seq = first; seq < next; seq++) {
      out.add(ring[(int) ((seq - 1) % ring.length)]);
    }
    return out;
  }

  /** How many entries dropped out to make room. */
  synchronized long dropped() {
    return Math.max(0, next - 1 - ring.length);
  }
}
