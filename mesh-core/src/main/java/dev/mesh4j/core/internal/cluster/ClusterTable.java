package dev.mesh4j.core.internal.cluster;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The clusters of one snapshot, each at the index of its {@link ClusterSlot}. Compiled routes
 * name slots, and a request finds the cluster of a slot in the table of the snapshot it read, so
 * a snapshot's routes and clusters are published together, by the one reference swap that
 * publishes the snapshot.
 *
 * <p>Immutable and thread-safe: an endpoint-only change makes a new table ({@link #with}) and a
 * new snapshot holding it; a request on the earlier snapshot keeps the earlier clusters. The
 * table is kept in chunks of {@value #CHUNK} clusters, and a new table shares every chunk that
 * holds no changed cluster: a change of one service's endpoints copies the list of chunks and
 * one or two chunks, whatever the size of the mesh. A lookup is two array reads.
 */
public final class ClusterTable {
  private static final int SHIFT = 8;
  static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;

  /** Never written after the constructor: each is a fresh array or one shared with an earlier table. */
  private final Cluster[][] chunks;
  private final int size;

  private ClusterTable(Cluster[][] chunks, int size) {
    this.chunks = chunks;
    this.size = size;
  }

  /** A table of {@code clusters}, cluster {@code i} at index {@code i}. */
  public static ClusterTable of(List<Cluster> clusters) {
    int size = clusters.size();
    Cluster[][] chunks = new Cluster[(size + MASK) >>> SHIFT][];
    for (int c = 0; c < chunks.length; c++) {
      chunks[c] = new Cluster[Math.min(CHUNK, size - (c << SHIFT))];
    }
    for (int i = 0; i < size; i++) {
      chunks[i >>> SHIFT][i & MASK] = clusters.get(i);
    }
    return new ClusterTable(chunks, size);
  }

  /** The cluster at an index. */
  public Cluster get(int index) {
    return chunks[index >>> SHIFT][index & MASK];
  }

  public int size() {
    return size;
  }

  /**
   * This table with some clusters replaced, by index: the chunks holding them are copied, the
   * others shared.
   */
  public ClusterTable with(Map<Integer, Cluster> changes) {
    if (changes.isEmpty()) {
      return this;
    }
    Cluster[][] next = chunks.clone();
    boolean[] copied = new boolean[next.length];
    for (Map.Entry<Integer, Cluster> e : changes.entrySet()) {
      int index = e.getKey();
      Cluster cluster = e.getValue();
      Cluster old = get(index);
      if (!old.key().equals(cluster.key())) {
        throw new IllegalArgumentException("cluster " + cluster.key() + " at the index of " + old.key());
      }
      int c = index >>> SHIFT;
      if (!copied[c]) {
        next[c] = Arrays.copyOf(next[c], next[c].length);
        copied[c] = true;
      }
      next[c][index & MASK] = cluster;
    }
    return new ClusterTable(next, size);
  }
}
