package dev.mesh4j.core.internal.telemetry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The metric label values a peer's {@code x-envoy-peer-metadata} gives, as istio/proxy's
 * {@code istio_stats} takes them from the peer's {@code WorkloadMetadataObject}: decoded once per
 * distinct header value, and bounded, since any peer can send any value.
 *
 * <ul>
 *   <li>A header whose value is malformed ({@link PeerMetadata#decode} reads nothing) or has a
 *       field longer than a Kubernetes name can be ({@link #MAX_FIELD}; an identity, a SPIFFE ID,
 *       up to {@link #MAX_IDENTITY}) is no metadata: the request is labelled as if the peer had
 *       sent none.
 *   <li>The first {@link #LIMIT} distinct peers (their label values taken together) are kept; a
 *       later new one is reported as {@link #OVERFLOW_PEER}, every value
 *       {@value BoundedLabelValues#OVERFLOW} — so a peer sending a new workload name on each
 *       response adds one series, not one per response, and the combinations of admitted values
 *       cannot multiply either.
 *   <li>Decoded values are cached by header value (a sidecar sends the same bytes on every
 *       response; Istio's filter caches them too, by the sender's node id): up to
 *       {@link #MAX_CACHED} values of at most {@link #MAX_CACHED_LENGTH} characters. Past that a
 *       header is decoded on each request, which costs that request a few microseconds and
 *       nothing else.
 * </ul>
 *
 * <p>Each response brings its header as a new string, whose hash code would be computed over its
 * few hundred characters on every request; so recent headers are first looked up in a small
 * direct-mapped table ({@link #RECENT} slots, picked by the length and three characters, checked
 * by {@code equals}, which compares the bytes at memory speed), and only on a miss in the map.
 *
 * <p>Thread-safe and lock-free: table slots hold immutable entries, replaced whole (a racing
 * reader sees an old or a new one, both correct). A recent header costs a comparison and no
 * allocation; no header costs nothing.
 */
final class PeerLabels {
  /** How many distinct peers one direction (outbound answers, inbound callers) keeps, per mesh. */
  static final int LIMIT = BoundedLabelValues.LIMIT;
  /** The longest name, namespace, label value or cluster id read; Kubernetes names stop at 253. */
  static final int MAX_FIELD = 253;
  /** The longest identity read (a SPIFFE ID stops at 2048 bytes). */
  static final int MAX_IDENTITY = 2048;
  static final int MAX_CACHED = 1024;
  static final int MAX_CACHED_LENGTH = 4096;

  /**
   * One peer's label values, empty where its metadata had none.
   *
   * @param workload {@code WORKLOAD_NAME}
   * @param namespace {@code NAMESPACE}
   * @param app label {@code app.kubernetes.io/name}, else {@code app}
   * @param version label {@code app.kubernetes.io/version}, else {@code version}
   * @param canonicalService label {@code service.istio.io/canonical-name}
   * @param canonicalRevision label {@code service.istio.io/canonical-revision}
   * @param cluster {@code CLUSTER_ID}
   * @param identity {@code IDENTITY}
   */
  record Peer(String workload, String namespace, String app, String version, String canonicalService,
      String canonicalRevision, String cluster, String identity) {}

  /** What a peer past {@link #LIMIT} is reported as. */
  static final Peer OVERFLOW_PEER = new Peer(BoundedLabelValues.OVERFLOW, BoundedLabelValues.OVERFLOW,
      BoundedLabelValues.OVERFLOW, BoundedLabelValues.OVERFLOW, BoundedLabelValues.OVERFLOW,
      BoundedLabelValues.OVERFLOW, BoundedLabelValues.OVERFLOW, BoundedLabelValues.OVERFLOW);
  /** Cached for a header that is no metadata (never returned). */
  private static final Peer NONE = new Peer("", "", "", "", "", "", "", "");

  /** Slots of the table of recent headers (a power of two). */
  static final int RECENT = 64;

  /** A header and what it gave. */
  private record Entry(String header, Peer peer) {}

  private final @Nullable Entry[] recent = new Entry[RECENT];
  private final ConcurrentHashMap<String, Peer> byHeader = new ConcurrentHashMap<>();
  private final Set<Peer> admitted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();

  /** The peer a header value names, {@link #OVERFLOW_PEER} past the limit, or null for none. */
  @Nullable Peer of(@Nullable String header) {
    if (header == null || header.isEmpty()) {
      return null;
    }
    int slot = slot(header);
    Entry e = recent[slot];
    if (e != null && e.header.equals(header)) {
      return e.peer == NONE ? null : e.peer;
    }
    Peer p = byHeader.get(header);
    if (p == null) {
      p = decode(header);
      if (header.length() <= MAX_CACHED_LENGTH && byHeader.size() < MAX_CACHED) {
        byHeader.putIfAbsent(header, p);
      }
    }
    if (header.length() <= MAX_CACHED_LENGTH) {
      recent[slot] = new Entry(header, p);
    }
    return p == NONE ? null : p;
  }

  /** The table slot of a (non-empty) header: cheap, and different for a sidecar's different values. */
  private static int slot(String header) {
    int n = header.length();
    return (n * 31 + header.charAt(n >>> 1) * 17 + header.charAt((n * 3) >>> 2) * 7 + header.charAt(n - 1))
        & (RECENT - 1);
  }

  private Peer decode(String header) {
    PeerMetadata m = PeerMetadata.decode(header);
    if (m == null || tooLong(m)) {
      return NONE;
    }
    return admit(new Peer(m.workload(), m.namespace(), m.app(), m.version(), m.canonicalService(),
        m.canonicalRevision(), m.cluster(), m.identity()));
  }

  private static boolean tooLong(PeerMetadata m) {
    return m.workload().length() > MAX_FIELD || m.namespace().length() > MAX_FIELD || m.app().length() > MAX_FIELD
        || m.version().length() > MAX_FIELD || m.canonicalService().length() > MAX_FIELD
        || m.canonicalRevision().length() > MAX_FIELD || m.cluster().length() > MAX_FIELD
        || m.identity().length() > MAX_IDENTITY;
  }

  /** The peer itself if it is one of the admitted, else {@link #OVERFLOW_PEER}; as {@link BoundedLabelValues#admit}. */
  private Peer admit(Peer peer) {
    if (admitted.contains(peer)) {
      return peer;
    }
    if (count.incrementAndGet() > LIMIT) {
      count.decrementAndGet();
      return admitted.contains(peer) ? peer : OVERFLOW_PEER;
    }
    if (!admitted.add(peer)) {
      count.decrementAndGet();
    }
    return peer;
  }
}
