package dev.mesh4j.api.spi;

import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import java.time.Clock;

/**
 * Where a mesh's {@link WorkloadIdentity} comes from, and its rotations: the files Istio's agent
 * writes (mesh-core's {@code IdentityFiles}), a certificate authority the source talks to itself
 * (istiod's), or an identity made in a test. A mesh has at most one; it starts it when built and
 * closes it when closed.
 *
 * <pre>{@code
 * Mesh mesh = Mesh.builder()
 *     .configDirectory(Path.of("istio"))
 *     .identity(IdentityFiles.istioDefaults())   // an IdentitySource
 *     .build();
 * }</pre>
 *
 * <p>The source delivers each identity through {@link Context#update}: connections made from then
 * on present it, connections already open keep theirs, and nothing in flight fails. A source that
 * cannot produce a usable identity says why with {@link Context#unavailable}: while the mesh has
 * no identity (or its last one has expired), requests that need one — {@code ISTIO_MUTUAL}, or an
 * auto-mTLS endpoint — fail closed with 503 {@code UF} naming that reason, and
 * {@code mesh.explain(...)} says so; they are never sent in plain text.
 *
 * <p>Threading: {@link #start} and {@link #close} are called by the mesh, once each. The source may
 * call its context from any thread at any time after {@code start} begins; {@code start} must not
 * block longer than it takes to read what is at hand (the mesh is built without waiting for an
 * identity).
 */
public interface IdentitySource extends AutoCloseable {

  /** A short name for messages, e.g. {@code files:/var/lib/istio/data}. */
  String name();

  /** Starts delivering identities to {@code context}. */
  void start(Context context);

  /** Stops delivering and releases what the source holds (timers, connections). Idempotent. */
  @Override
  default void close() {}

  /** What a mesh gives its identity source. Thread-safe. */
  interface Context {

    /**
     * Makes {@code identity} the one new connections present and verify peers with, from now on.
     * Delivering the identity in force again changes nothing.
     */
    void update(WorkloadIdentity identity);

    /**
     * Reports that the source has no usable identity, and why (a file missing, a key that is not
     * the certificate's, a certificate authority that cannot be reached). An identity delivered
     * before keeps serving until it expires; without one, requests that need it fail with this
     * reason. The reason should name the file or the server concerned.
     */
    void unavailable(String reason);

    /** The workload the mesh serves. */
    Workload workload();

    /** The mesh's scheduler, for the source's own timers (polling, rotation, back-off). */
    Scheduler scheduler();

    /** The mesh's monotonic time. */
    Ticker ticker();

    /** The mesh's wall clock (certificate validity is wall-clock time). */
    Clock clock();
  }
}
