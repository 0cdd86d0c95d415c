package dev.mesh4j.core;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.ConfigOrigin;
import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.DnsResolver;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Sleeper;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.api.spi.IdentitySource;
import dev.mesh4j.api.spi.MeshSource;
import dev.mesh4j.api.spi.SourceContext;
import dev.mesh4j.api.spi.SourceStatus;
import dev.mesh4j.api.spi.SourceUpdate;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.context.TraceFormat;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.explain.MeshSummary;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.cluster.ClusterStates;
import dev.mesh4j.core.internal.config.ConfigSource;
import dev.mesh4j.core.internal.discovery.CatalogBuilder;
import dev.mesh4j.core.internal.discovery.DnsCache;
import dev.mesh4j.core.internal.discovery.Service;
import dev.mesh4j.core.internal.engine.Explainer;
import dev.mesh4j.core.internal.engine.RequestPipeline;
import dev.mesh4j.core.internal.engine.Summarizer;
import dev.mesh4j.core.internal.identity.FixedIdentity;
import dev.mesh4j.core.internal.identity.IdentityState;
import dev.mesh4j.core.internal.runtime.Periodic;
import dev.mesh4j.core.internal.runtime.SystemScheduler;
import dev.mesh4j.core.internal.snapshot.MeshSnapshot;
import dev.mesh4j.core.internal.snapshot.SnapshotCompiler;
import dev.mesh4j.core.internal.source.CodeSource;
import dev.mesh4j.core.internal.source.SourceHub;
import dev.mesh4j.core.internal.source.SourceState;
import dev.mesh4j.core.internal.source.Staged;
import dev.mesh4j.core.internal.source.TextSource;
import dev.mesh4j.core.internal.resilience.EjectionListener;
import dev.mesh4j.core.internal.telemetry.Telemetry;
import dev.mesh4j.core.observe.ConfigChange;
import dev.mesh4j.core.observe.EndpointEjection;
import dev.mesh4j.core.observe.EndpointsChange;
import dev.mesh4j.core.observe.MeshListener;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process service mesh: Istio configuration compiled for one workload, applied to every
 * request a transport (such as {@code MeshOkHttp}) hands it.
 *
 * <pre>{@code
 * Mesh mesh = Mesh.builder()
 *     .configDirectory(Path.of("istio"))
 *     .namespace("default")
 *     .build();
 * OkHttpClient client = MeshOkHttp.newClient(mesh);
 * }</pre>
 *
 * <p>Configuration and endpoints come from {@linkplain MeshSource sources}: manifest files and
 * folders, classpath resources, strings, configuration built in code, the {@link ServiceRegistry},
 * and any {@link Builder#source source} such as the Kubernetes API. Each update a source delivers
 * is validated and compiled off the request path into a new snapshot, swapped atomically; a
 * rejected update never replaces what serves. An update that changes only the endpoints of a
 * service updates that service's clusters without compiling routes again.
 *
 * <p>Thread-safe. A snapshot is immutable, and each request reads the current one once and
 * finishes on it. Updates apply one at a time: each compiles a whole new snapshot — its routes
 * and its endpoints — and publishes it with one reference swap, or, when it is refused (invalid,
 * or not compilable), publishes nothing, so no request ever sees a part of an update, and no
 * request sees an update that is then refused. Reloads run one at a time, so the configuration
 * read last is the one that serves.
 *
 * <p>{@link #close()} stops the background work (DNS refresh, outlier-detection sweeps, change
 * checks) and closes the sources. Requests in flight finish; requests started afterwards fail with
 * an {@link IOException} saying the mesh is closed, since without its background work ejected
 * endpoints would never return and DNS answers would age forever.
 */
public final class Mesh implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Mesh.class);
  private static final String CLOSED = "mesh4j: this Mesh is closed (Mesh.close() stopped its background work)";

  private final SourceHub hub;
  private final @Nullable CodeSource codeSource;
  private final Workload workload;
  private final ServiceRegistry registry;
  private final DnsCache dns;
  private final SnapshotCompiler compiler;
  private final RequestPipeline pipeline;
  /** Ids, trace context, spans, metrics and the listeners (builder's and added ones). */
  private final Telemetry telemetry;
  private final Explainer explainer;
  private final Ticker ticker;
  private final Clock clock;
  /** Runs before each compile; throws to stand for a compile that fails (tests in this package). */
  private final Consumer<MeshConfig> compileCheck;
  private final List<String> propagatedHeaders;
  private final Scheduler scheduler;
  private final @Nullable SystemScheduler ownedScheduler;
  private final IdentityState identity;
  private final List<Periodic> background = new ArrayList<>();
  /**
   * Guards the sources' state, the compiler, the snapshot swap and the version: held to apply one
   * update, from commit to publication (or rollback).
   */
  private final Object lock = new Object();
  /** Serializes reloads, so that the configuration read last is the one applied. */
  private final Object reloadLock = new Object();
  private volatile boolean closed;
  /**
   * The snapshot in force, which each request reads once. Never changed in place: an update
   * compiles a whole new snapshot (routes and endpoints) and replaces this reference in one write
   * ({@link #publish}), or leaves it as it is when the update is refused. Written under lock.
   */
  private volatile MeshSnapshot snapshot;
  /** Until the first snapshot is compiled, updates only fill the sources' state. Guarded by lock. */
  private boolean initialized;
  /** The reload in progress on its thread: its sources' updates wait to be applied together. */
  private @Nullable Reload reload;
  /**
   * The version of the snapshot in force: counts the configurations applied. A refused update
   * does not advance it. Guarded by lock.
   */
  private long version;

  private Mesh(Builder b) {
    this.ownedScheduler = b.scheduler == null ? new SystemScheduler("mesh4j-background") : null;
    this.scheduler = b.scheduler != null ? b.scheduler : ownedScheduler;
    this.workload = b.workload();
    this.registry = b.registry;
    this.dns = new DnsCache(b.dnsResolver);
    this.identity = new IdentityState(b.identitySource, workload, scheduler, b.ticker, b.clock);
    this.propagatedHeaders = List.copyOf(b.propagatedHeaders);
    Telemetry.Builder telemetry = Telemetry.builder()
        .openTelemetry(b.openTelemetry)
        .formats(b.traceFormats.stream().map(f -> Telemetry.Format.valueOf(f.name())).toList())
        .accessLog(b.accessLog)
        .workload(workload)
        .random(b.random)
        .ticker(b.ticker)
        .clock(b.clock)
        .samplingPercent(b.tracingSamplingPercent)
        .enabled(b.telemetry);
    b.listeners.forEach(telemetry::listener);  // each guarded on its own
    Telemetry t = telemetry.build();
    this.telemetry = t;
    this.pipeline = new RequestPipeline(b.random, b.sleeper, b.ticker, b.shadowHostSuffix, t, identity);
    Scheduler background = scheduler;
    Clock eventClock = b.clock;
    this.compiler = new SnapshotCompiler(workload, dns,
        new ClusterStates(b.random, task -> background.schedule(Duration.ZERO, task), b.ticker), scheduler, b.ticker,
        identity.configured(), new EjectionListener() {
          @Override
          public void ejected(String cluster, Endpoint endpoint, String reason, int n, Duration duration) {
            t.events().endpointEjected(new EndpointEjection(cluster, endpoint, reason, n, duration, eventClock.instant()));
          }

          @Override
          public void returned(String cluster, Endpoint endpoint, String reason, int n, Duration out) {
            t.events().endpointReturned(new EndpointEjection(cluster, endpoint, reason, n, out, eventClock.instant()));
          }
        });
    this.explainer = new Explainer(b.random, identity);
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.compileCheck = b.compileCheck;
    this.hub = new SourceHub(workload);
    this.codeSource = b.config == null ? null : new CodeSource(b.config);
    List<MeshSource> sources = new ArrayList<>(b.sources);
    if (codeSource != null) {
      sources.add(codeSource);
    }
    // Services declared in code take precedence over those of other sources.
    sources.add(registry.source());
    for (MeshSource source : sources) {
      hub.add(source, clock.instant());
    }
    try {
      // The identity first: it may be read from files at once, before the first request.
      identity.start();
      start(b.lenientStart);
    } catch (RuntimeException | Error e) {
      identity.close();
      closeSources();
      if (ownedScheduler != null) {
        ownedScheduler.close();
      }
      throw e;
    }
    schedule(b.dnsRefreshInterval, this::refreshDns, "dns-refresh");
    schedule(b.reloadInterval, this::reloadPeriodically, "config-reload");
  }

  /**
   * Starts every source, waits for the initial state of those that sync later, and compiles the
   * first snapshot from all of them.
   */
  private void start(boolean lenient) {
    for (SourceState state : hub.states()) {
      try {
        state.source().start(new Context(state));
      } catch (MeshConfigException e) {
        if (!lenient) {
          throw e;
        }
        log.error("mesh4j: source {} delivered an invalid configuration; starting without it until it"
            + " delivers a valid one. {}", state.name(), e.getMessage());
      }
    }
    long start = ticker.nanos();
    for (SourceState state : hub.states()) {
      Duration timeout = state.source().initialSyncTimeout();
      if (timeout.isZero() || timeout.isNegative()) {
        continue;
      }
      long left = timeout.toNanos() - (ticker.nanos() - start);
      if (!awaitSync(state, left)) {
        String why = "mesh4j: source " + state.name() + " did not deliver its initial state within " + timeout
            + " (" + state.status().state() + (state.status().message().isEmpty() ? "" : ": " + state.status().message())
            + ")";
        if (!lenient) {
          throw new IllegalStateException(why);
        }
        log.error("{}; starting without it until it does", why);
      }
    }
    synchronized (lock) {
      initialized = true;
      recompile();
    }
  }

  private static boolean awaitSync(SourceState state, long nanos) {
    try {
      return state.syncedLatch().await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("mesh4j: interrupted while waiting for source " + state.name(), e);
    }
  }

  private void schedule(Duration interval, Runnable task, String name) {
    if (!interval.isZero()) {
      background.add(Periodic.start(scheduler, () -> interval, task, name));
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs one application request through the mesh. Transports call this; applications use a
   * transport.
   *
   * @throws IOException when the transport fails in a way the application must see (its own
   *     cancellation or timeout, or a failure after response headers), or when this mesh is
   *     {@linkplain #close() closed}
   */
  public <R> R execute(MeshRequest request, Exchange<R> exchange) throws IOException {
    if (closed) {
      throw new IOException(CLOSED + "; the request to " + request.authority() + " was not sent");
    }
    return pipeline.execute(snapshot, request, exchange);
  }

  /**
   * Captures the context of an inbound request — {@code x-request-id}, trace context, baggage,
   * {@code x-ot-span-context} and the {@linkplain Builder#propagatedHeaders headers this mesh
   * propagates} — to {@linkplain MeshContext#makeCurrent() make current} while handling it.
   *
   * @param headers reads one header of the inbound request by name, e.g. a servlet request's
   *     {@code getHeader}
   */
  public MeshContext captureContext(MeshContext.HeaderSource headers) {
    return MeshContext.capture(headers, propagatedHeaders);
  }

  /** The user-named headers carried from inbound requests to outbound calls, lower case. */
  public List<String> propagatedHeaders() {
    return propagatedHeaders;
  }

  /**
   * Adds a listener to this mesh after it was built — for tools that attach to a running mesh,
   * such as a console. It hears every request that starts after this returns, all of that
   * request's events (never a part of one: a request in flight keeps the listeners it started
   * with), and the mesh's own events (ejections, configuration and endpoint changes) from now on.
   * It is called after the {@linkplain Builder#listener builder's} listeners, guarded as they
   * are; the {@link MeshListener} contract applies. With {@linkplain Builder#telemetry telemetry}
   * off it hears nothing, as the builder's listeners.
   *
   * <p>Thread-safe; adding or removing is not meant for the request path (it rebuilds the list of
   * listeners, which requests then read once each).
   */
  public void addListener(MeshListener listener) {
    telemetry.addListener(requireNonNull(listener, "listener"));
  }

  /**
   * Removes a listener {@linkplain #addListener added} to this mesh (the same object). Requests
   * that started before still tell it their remaining events.
   *
   * @return whether it was added and is now removed
   */
  public boolean removeListener(MeshListener listener) {
    return telemetry.removeListener(requireNonNull(listener, "listener"));
  }

  /** What the mesh would do with a request, and why, without sending anything. */
  public Explanation explain(MeshRequest request) {
    ensureOpen();
    return explainer.explain(snapshot, request);
  }

  /**
   * A picture of what this mesh holds now — services with their routes, clusters with their
   * endpoints and which of those are ejected, its sources and what they could not apply — for
   * tools and health pages. Cheap enough to call on demand, not meant for the request path.
   */
  public MeshSummary describe() {
    List<String> rejected;
    synchronized (lock) {
      rejected = hub.rejections().stream().map(ConfigProblem::toString).toList();
    }
    return Summarizer.summarize(snapshot, sources(), rejected);
  }

  /** The state of each source, in the order they were added (the registry last). */
  public List<SourceStatus> sources() {
    List<SourceStatus> out = new ArrayList<>();
    for (SourceState s : hub.states()) {
      out.add(s.status());
    }
    return out;
  }

  /**
   * Re-reads the sources that are read rather than watched (files, folders, classpath resources)
   * and, if what they hold is valid, makes it the configuration of every request that starts
   * after this returns. All of them apply together, or none does.
   *
   * <p>Reloads run one at a time: of two concurrent calls, the one that reads the sources later
   * applies last. Reading and validating happen outside the lock other sources' updates take.
   *
   * @throws MeshConfigException when the new configuration is invalid; the current one keeps
   *     serving
   * @throws IllegalStateException when this mesh is closed
   */
  public void reload() {
    synchronized (reloadLock) {
      ensureOpen();
      Reload r = new Reload(Thread.currentThread());
      synchronized (lock) {
        reload = r;
      }
      Set<ConfigProblem> problems = new LinkedHashSet<>();
      try {
        for (SourceState state : hub.states()) {
          try {
            state.source().reload();
          } catch (MeshConfigException e) {
            problems.addAll(e.problems());
          } catch (RuntimeException e) {
            problems.add(new ConfigProblem(ConfigProblem.Severity.ERROR, new ConfigOrigin(state.name(), 1), "",
                "reading the source failed: " + e));
          }
        }
      } finally {
        synchronized (lock) {
          reload = null;
        }
      }
      List<Runnable> told = new ArrayList<>();
      try {
        synchronized (lock) {
          for (Staged s : r.staged.values()) {
            if (!s.accepted()) {
              problems.addAll(s.problems());
            }
          }
          if (problems.stream().anyMatch(ConfigProblem::isError)) {
            for (Staged s : r.staged.values()) {
              hub.commit(new Staged(s.state(), s.full(), false, Map.of(), Map.of(), Map.of(), s.problems(), Set.of()));
            }
            MeshConfigException e = new MeshConfigException(List.copyOf(problems));
            ConfigChange change = new ConfigChange("reload", version, e.errors(), clock.instant());
            told.add(() -> telemetry.events().configRejected(change));
            log.error("mesh4j: reload rejected; the configuration in force keeps serving. {}", e.getMessage());
            throw e;
          }
          List<SourceHub.Undo> undos = new ArrayList<>();
          for (Staged s : r.staged.values()) {
            undos.add(hub.commit(s).undo());
          }
          try {
            recompile();
          } catch (RuntimeException e) {
            for (int i = undos.size() - 1; i >= 0; i--) {
              undos.get(i).rollback();
            }
            MeshConfigException refused = new MeshConfigException(List.of(uncompilable("reload", e)));
            ConfigChange change = new ConfigChange("reload", version, refused.errors(), clock.instant());
            told.add(() -> telemetry.events().configRejected(change));
            log.error("mesh4j: reload rejected; the configuration in force keeps serving", e);
            throw refused;
          }
          for (Staged s : r.staged.values()) {
            ConfigChange change = new ConfigChange(s.state().name(), version, s.problems(), clock.instant());
            told.add(() -> telemetry.events().configApplied(change));
          }
        }
      } finally {
        told.forEach(Runnable::run);
      }
    }
  }

  /**
   * Replaces the configuration given in code ({@link Builder#config}) atomically, as
   * {@link #reload()} replaces files: requests in flight finish on the configuration they started
   * with, every request that starts after this returns uses the new one, and an invalid
   * configuration never replaces a good one. Other sources are not affected.
   *
   * @throws MeshConfigException when {@code config} is invalid; the configuration in force keeps
   *     serving
   * @throws IllegalStateException when this mesh is closed, or was built without
   *     {@link Builder#config}
   */
  public void apply(MeshConfig config) {
    requireNonNull(config, "config");
    ensureOpen();
    if (codeSource == null) {
      throw new IllegalStateException("mesh4j: this Mesh was built without Mesh.builder().config(...);"
          + " there is no configuration in code to replace");
    }
    codeSource.replace(config);
  }

  /** The configuration in force: every source's resources, as the snapshot that serves uses them. */
  public MeshConfig config() {
    return snapshot.config();
  }

  /** Warnings of the configuration in force: unknown fields, undefined subsets, conflicts. */
  public List<ConfigProblem> warnings() {
    return snapshot.warnings();
  }

  /**
   * The version of the compiled configuration in force: increases by one with every update that
   * changes it (configuration or endpoints); a refused update leaves it as it is.
   */
  public long version() {
    return snapshot.version();
  }

  /** The registry of endpoints declared in code. Changes apply at once. */
  public ServiceRegistry registry() {
    return registry;
  }

  public Workload workload() {
    return workload;
  }

  /**
   * The workload identity mutual TLS presents now ({@code ISTIO_MUTUAL}, auto mTLS), or null when
   * there is none: none configured, none delivered yet, or the last one expired.
   */
  public @Nullable WorkloadIdentity identity() {
    return identity.identity();
  }

  /**
   * Calls {@code onChange} with the identity in force now, if any, and with each one that replaces
   * it (a rotation), on the thread that delivers it — for what serves with the same identity, such
   * as the Spring Boot starter's server SSL bundle. Must be quick and must not throw; kept until the
   * mesh is closed.
   */
  public void watchIdentity(Consumer<WorkloadIdentity> onChange) {
    identity.watch(onChange);
  }

  /** The monotonic time source of this mesh. */
  public Ticker ticker() {
    return ticker;
  }

  /** The scheduler of this mesh's background work. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** The wall clock of this mesh (event timestamps). */
  public Clock clock() {
    return clock;
  }

  /**
   * Reloads if any source that is read rather than watched changed since it was last read, as
   * the periodic check of {@code reloadInterval} does. A rejected change is remembered: the same
   * contents are not tried again until they change once more.
   *
   * @return whether the sources had changed (and the new configuration now serves)
   * @throws MeshConfigException when they changed and the new configuration is invalid; the
   *     configuration in force keeps serving
   */
  public boolean reloadIfChanged() {
    synchronized (reloadLock) {
      ensureOpen();
      boolean changed = false;
      for (SourceState state : hub.states()) {
        changed |= state.source().hasChanged();
      }
      if (!changed) {
        return false;
      }
      reload();
      return true;
    }
  }

  /** The periodic check: failures are logged (by {@link #reload()}), never thrown. */
  private void reloadPeriodically() {
    try {
      reloadIfChanged();
    } catch (MeshConfigException e) {
      // Logged by reload(); what was read is remembered so the same bad file is not retried.
    } catch (RuntimeException e) {
      log.warn("mesh4j: checking configuration sources failed", e);
    }
  }

  /** Resolves DNS-based services again now and applies changed addresses. */
  void refreshDns() {
    if (dns.refresh()) {
      synchronized (lock) {
        if (!closed) {
          try {
            recompile();
          } catch (RuntimeException e) {
            log.error("mesh4j: could not compile the configuration with new DNS addresses; the previous one"
                + " stays in force", e);
          }
        }
      }
    }
  }

  /** The snapshot in force (tests and tools in this package). */
  MeshSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Stops this mesh's background work and closes its sources. Requests in flight finish; later
   * requests fail with an {@link IOException}, and {@link #reload()} and {@link #explain} with an
   * {@link IllegalStateException}; {@link #describe()} still shows the last state. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    closeSources();
    identity.close();
    background.forEach(Periodic::close);
    compiler.close();
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
  }

  private void closeSources() {
    for (SourceState state : hub.states()) {
      try {
        state.source().close();
      } catch (RuntimeException e) {
        log.warn("mesh4j: closing source {} failed", state.name(), e);
      }
      state.status(SourceStatus.State.CLOSED, "", clock.instant());
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(CLOSED);
    }
  }

  /**
   * Applies one source's update: stage, commit, then compile what it changed (under the lock);
   * then tells listeners (outside it).
   */
  private SourceUpdate.Result apply(SourceState state, SourceUpdate update) {
    requireNonNull(update, "update");
    List<Runnable> told = new ArrayList<>();
    SourceUpdate.Result result;
    synchronized (lock) {
      if (closed) {
        return new SourceUpdate.Result(false, version, List.of(), Set.of());
      }
      Staged staged = hub.stage(state, update);
      if (reload != null && reload.thread == Thread.currentThread()) {
        reload.staged.put(state, staged);
        return result(staged);
      }
      SourceHub.Effect effect = hub.commit(staged);
      boolean compiled = true;
      if (initialized) {
        try {
          compile(effect);
        } catch (RuntimeException e) {
          // Staged, committed, then not compilable: nothing was published, and the source's state
          // goes back to what serves.
          effect.undo().rollback();
          List<ConfigProblem> problems = new ArrayList<>(staged.problems());
          problems.add(uncompilable(state.name(), e));
          staged = new Staged(state, staged.full(), false, Map.of(), Map.of(), Map.of(), List.copyOf(problems),
              Set.copyOf(staged.resources().keySet()));
          effect = hub.commit(staged);
          compiled = false;
          log.error("mesh4j: the update of source {} could not be compiled; what it delivered before keeps"
              + " serving", state.name(), e);
        }
        changeEvents(state, staged, effect, told);
      }
      if (compiled) {
        report(state, staged);
      }
      result = result(staged);
    }
    told.forEach(Runnable::run);
    return result;
  }

  /** The events an applied update makes: config applied or rejected, endpoints changed. Holds the lock. */
  private void changeEvents(SourceState state, Staged staged, SourceHub.Effect effect, List<Runnable> told) {
    ConfigChange change = new ConfigChange(state.name(), version,
        staged.accepted() ? staged.problems() : staged.problems().stream().filter(ConfigProblem::isError).toList(),
        clock.instant());
    if (!staged.accepted() || !staged.rejectedKeys().isEmpty()) {
      told.add(() -> telemetry.events().configRejected(change));
    }
    if (staged.accepted() && effect.changed()) {
      told.add(() -> telemetry.events().configApplied(change));
    }
    for (String host : effect.services()) {
      CatalogBuilder.Registered r = hub.effectiveService(host);
      int count = r == null ? 0 : r.service().endpoints().values().stream().mapToInt(List::size).sum();
      EndpointsChange c = new EndpointsChange(r == null ? state.name() : r.source(), host, count, version, clock.instant());
      told.add(() -> telemetry.events().endpointsChanged(c));
    }
  }

  private SourceUpdate.Result result(Staged s) {
    return new SourceUpdate.Result(s.accepted(), version, s.problems(), s.rejectedKeys());
  }

  /** Logs what a source's update could not apply; the reload path logs its own rejection. */
  private static void report(SourceState state, Staged s) {
    if (!s.accepted()) {
      log.error("mesh4j: source {} delivered an invalid update; what it delivered before keeps serving. {}",
          state.name(), new MeshConfigException(s.problems()).getMessage());
      return;
    }
    for (ConfigProblem p : s.problems()) {
      if (p.isError()) {
        log.warn("mesh4j: source {}: {} (skipped; its last valid version keeps serving)", state.name(), p);
      }
    }
  }

  /**
   * Compiles a snapshot from every source and publishes it. Holds the lock.
   *
   * @throws RuntimeException when it cannot be compiled; the snapshot in force stays
   */
  private void recompile() {
    publish(compileNext(false, List.of()));
  }

  /**
   * Compiles what a committed update asks for into one snapshot — routes and endpoints together —
   * and publishes it, or nothing. Holds the lock.
   *
   * @throws RuntimeException when the snapshot cannot be compiled; nothing was published, the
   *     snapshot and version in force stay
   */
  private void compile(SourceHub.Effect effect) {
    if (effect.recompile()) {
      publish(compileNext(effect.routesOnly(), effect.endpointsOnly()));
    } else if (!effect.endpointsOnly().isEmpty()) {
      MeshSnapshot next = withEndpoints(snapshot, effect.endpointsOnly(), version + 1);
      if (next != snapshot) {
        publish(next);
      }
    }
  }

  /** The problem a configuration that could not be compiled reports. */
  private static ConfigProblem uncompilable(String source, RuntimeException e) {
    return new ConfigProblem(ConfigProblem.Severity.ERROR, new ConfigOrigin(source, 1), "",
        "mesh4j could not compile the configuration with this update (" + e + ")");
  }

  /**
   * Compiles the next snapshot from the sources' state, without publishing it. Holds the lock.
   *
   * @param routesOnly whether only VirtualServices changed (and services, if any, only in their
   *     endpoints): the snapshot in force keeps its services and clusters, only changed
   *     VirtualServices are compiled, and the new endpoints of {@code endpointsOnly} go into the
   *     new snapshot's clusters — after its routes compiled, so that an update whose routes cannot
   *     be compiled changes no cluster
   * @param endpointsOnly with {@code routesOnly}, the services whose endpoints alone changed
   * @throws RuntimeException when it cannot be compiled
   */
  private MeshSnapshot compileNext(boolean routesOnly, List<String> endpointsOnly) {
    SourceHub.Assembly assembly = hub.assemble();
    compileCheck.accept(assembly.config());
    long next = version + 1;
    MeshSnapshot previous = snapshot;
    if (!routesOnly || previous == null) {
      return compiler.compile(next, assembly.config(), assembly.services());
    }
    MeshSnapshot routed = compiler.compileRoutes(next, assembly.config(), assembly.services(), previous);
    // The same clusters as the snapshot in force: the update's endpoints go into a new table.
    // (Otherwise the routes were compiled with everything else, from the sources' state, and the
    // clusters already have them.)
    return routed.clusterTable() == previous.clusterTable() ? withEndpoints(routed, endpointsOnly, next) : routed;
  }

  /**
   * A copy of {@code base} whose clusters have the sources' endpoints of {@code hosts}, under
   * {@code version}, or {@code base} when it has no clusters for them. Holds the lock.
   */
  private MeshSnapshot withEndpoints(MeshSnapshot base, List<String> hosts, long version) {
    List<Service> services = new ArrayList<>(hosts.size());
    for (String host : hosts) {
      CatalogBuilder.Registered r = hub.effectiveService(host);
      Service s = r == null ? null : CatalogBuilder.registryService(r.service(), r.source(), workload);
      if (s != null) {
        services.add(s);
      }
    }
    return services.isEmpty() ? base : compiler.withEndpoints(base, services, version);
  }

  /**
   * Puts a compiled snapshot in force: one write of the volatile reference that requests read,
   * so each request sees all of it or none of it. Holds the lock.
   */
  private void publish(MeshSnapshot next) {
    MeshSnapshot previous = snapshot;
    version = next.version();
    snapshot = next;
    if (previous == null || next.warnings() != previous.warnings()) {
      logNewWarnings(previous == null ? List.of() : previous.warnings(), next.warnings());
    }
  }

  /** Logs the warnings a compile found that the configuration in force did not have. */
  private static void logNewWarnings(List<ConfigProblem> before, List<ConfigProblem> after) {
    Set<ConfigProblem> known = new HashSet<>(before);
    for (ConfigProblem w : after) {
      if (!known.contains(w)) {
        log.warn("mesh4j config: {}", w);
      }
    }
  }

  /** A reload in progress: the updates its thread's sources deliver, applied together at its end. */
  private static final class Reload {
    final Thread thread;
    final Map<SourceState, Staged> staged = new LinkedHashMap<>();

    Reload(Thread thread) {
      this.thread = thread;
    }
  }

  /** What each source is given: delivery into this mesh, and the mesh's workload and time. */
  private final class Context implements SourceContext {
    private final SourceState state;

    Context(SourceState state) {
      this.state = state;
    }

    @Override
    public SourceUpdate.Result apply(SourceUpdate update) {
      return Mesh.this.apply(state, update);
    }

    @Override
    public void synced() {
      state.status(SourceStatus.State.SYNCED, "", clock.instant());
    }

    @Override
    public void status(SourceStatus.State s, String message) {
      state.status(requireNonNull(s, "state"), requireNonNull(message, "message"), clock.instant());
    }

    @Override
    public Workload workload() {
      return workload;
    }

    @Override
    public Scheduler scheduler() {
      return scheduler;
    }

    @Override
    public Ticker ticker() {
      return ticker;
    }

    @Override
    public Clock clock() {
      return clock;
    }
  }

  /**
   * Builds a {@link Mesh}. Sources accumulate and take precedence in the order given: when two
   * deliver a resource of the same kind, namespace and name, the later one's wins. Not
   * thread-safe.
   */
  public static final class Builder {
    private final List<MeshSource> sources = new ArrayList<>();
    private @Nullable MeshConfig config;
    private Workload.Builder workload = Workload.builder();
    private @Nullable Workload fixedWorkload;
    private ServiceRegistry registry = new ServiceRegistry();
    private RandomSource random = RandomSource.threadLocal();
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private DnsResolver dnsResolver = DnsResolver.system();
    private Consumer<MeshConfig> compileCheck = config -> { };
    private Duration dnsRefreshInterval = Duration.ofSeconds(60);
    private Duration reloadInterval = Duration.ZERO;
    private @Nullable Scheduler scheduler;
    private boolean telemetry = true;
    private boolean shadowHostSuffix;
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private Set<TraceFormat> traceFormats = EnumSet.of(TraceFormat.W3C, TraceFormat.B3_MULTI);
    private final Set<String> propagatedHeaders = new LinkedHashSet<>();
    private boolean accessLog;
    private double tracingSamplingPercent = 1.0;
    private boolean lenientStart;
    private @Nullable IdentitySource identitySource;
    private final List<MeshListener> listeners = new ArrayList<>();
    private int yamlCount;

    private Builder() {}

    /**
     * Reads a manifest file (YAML, multi-document, or JSON), as {@code kubectl apply -f file}
     * would: documents in order, a later one replacing an earlier one of the same kind,
     * namespace and name.
     */
    public Builder configFile(Path file) {
      requireNonNull(file, "file");
      sources.add(new TextSource(ConfigSource.file(file), "file:" + file));
      return this;
    }

    /**
     * Reads every {@code *.yaml}, {@code *.yml} and {@code *.json} under a folder, by path, as
     * {@code kubectl apply -f folder/} would.
     */
    public Builder configDirectory(Path directory) {
      requireNonNull(directory, "directory");
      sources.add(new TextSource(ConfigSource.directory(directory), "directory:" + directory));
      return this;
    }

    /** Reads a classpath resource, e.g. {@code istio/reviews.yaml}. */
    public Builder configResource(String resource) {
      requireNonNull(resource, "resource");
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      sources.add(new TextSource(ConfigSource.resource(resource, loader != null ? loader : Mesh.class.getClassLoader()),
          "classpath:" + resource));
      return this;
    }

    /** Reads manifests from a string; problems are reported under {@code <yaml-N>}. */
    public Builder configYaml(String yaml) {
      return configYaml("<yaml-" + (++yamlCount) + ">", yaml);
    }

    /** Reads manifests from a string, reporting problems under {@code name}. */
    public Builder configYaml(String name, String yaml) {
      requireNonNull(name, "name");
      requireNonNull(yaml, "yaml");
      sources.add(new TextSource(ConfigSource.yaml(name, yaml), name));
      return this;
    }

    /**
     * Configuration built in code ({@code VirtualService.builder(…)}, …, or
     * {@link MeshConfig#fromYaml}), validated as YAML is; {@link Mesh#apply} replaces it later.
     * Set once.
     */
    public Builder config(MeshConfig config) {
      requireNonNull(config, "config");
      if (this.config != null) {
        throw new IllegalStateException("config was already set");
      }
      this.config = config;
      return this;
    }

    /**
     * Adds a source of configuration and endpoints, such as the Kubernetes API
     * ({@code KubernetesSource.of(client)}). The mesh starts it when built, waits for its
     * initial state as long as the source asks, and closes it when closed.
     */
    public Builder source(MeshSource source) {
      sources.add(requireNonNull(source, "source"));
      return this;
    }

    /** The whole workload description (replaces the individual workload settings). */
    public Builder workload(Workload workload) {
      this.fixedWorkload = requireNonNull(workload, "workload");
      return this;
    }

    /** The workload's namespace (default {@code default}). */
    public Builder namespace(String namespace) {
      workload.namespace(namespace);
      return this;
    }

    /** The workload's name. */
    public Builder workloadName(String name) {
      workload.name(name);
      return this;
    }

    /** A label of the workload ({@code app}, {@code version}, …). */
    public Builder workloadLabel(String name, String value) {
      workload.label(name, value);
      return this;
    }

    /**
     * The workload's locality ({@code region[/zone[/subzone]]}), against which
     * {@code localityLbSetting} ranks endpoints: sets the workload's topology labels
     * ({@link Workload.Builder#locality}).
     */
    public Builder locality(String locality) {
      workload.locality(locality);
      return this;
    }

    /** The gateways the workload acts as (default only {@code mesh}). */
    public Builder gateways(String... gateways) {
      workload.gateways(gateways);
      return this;
    }

    /** The mesh-wide outbound traffic policy (default {@code ALLOW_ANY}). */
    public Builder outboundTrafficPolicy(OutboundTrafficPolicy policy) {
      workload.outboundTrafficPolicy(policy);
      return this;
    }

    /** The registry of endpoints declared in code (default: a new, empty one). */
    public Builder registry(ServiceRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /** The source of every random decision (weights, balancing, faults). */
    public Builder random(RandomSource random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    /** The monotonic time source. */
    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /** The wall clock, for event timestamps. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** How injected delays wait (tests pass one that advances a fake ticker). */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Whether mesh4j gives requests ids and trace context, records spans and Istio metrics and
     * tells listeners (default true). Turn it off when other instrumentation (an OpenTelemetry
     * agent instrumenting OkHttp, say) already does this, so that requests are not traced twice;
     * routing, balancing and resilience are unaffected.
     */
    public Builder telemetry(boolean enabled) {
      this.telemetry = enabled;
      return this;
    }

    /**
     * Runs background work: outlier-detection sweeps, DNS refresh, config change checks
     * (default: one daemon thread, started on first use and stopped by {@link Mesh#close()}).
     * Tests pass a scheduler driven by a fake clock.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Runs before each compile: a check that throws stands for a compile that fails (tests). */
    Builder compileCheck(Consumer<MeshConfig> check) {
      this.compileCheck = requireNonNull(check, "check");
      return this;
    }

    /** Resolves host names of DNS-resolved ServiceEntries. */
    public Builder dnsResolver(DnsResolver resolver) {
      this.dnsResolver = requireNonNull(resolver, "resolver");
      return this;
    }

    /** How often DNS names are resolved again (default 60s, Istio's; zero disables). */
    public Builder dnsRefreshInterval(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("dnsRefreshInterval: " + interval + " (expected: >= 0)");
      }
      this.dnsRefreshInterval = interval;
      return this;
    }

    /**
     * Checks the sources that are read rather than watched (files, folders, classpath resources)
     * for changes this often and reloads when they change (default zero: only
     * {@link Mesh#reload()} reloads). A change that fails validation is logged and the
     * configuration in force keeps serving.
     */
    public Builder reloadInterval(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("reloadInterval: " + interval + " (expected: >= 0)");
      }
      this.reloadInterval = interval;
      return this;
    }

    /**
     * Whether mirrored requests get {@code -shadow} appended to their host, as Istio did before
     * 1.28 (default false, as Istio does now).
     */
    public Builder mirrorShadowHostSuffix(boolean enabled) {
      this.shadowHostSuffix = enabled;
      return this;
    }

    /**
     * Where spans and metrics go (default {@link OpenTelemetry#noop()}: none, at near-zero cost;
     * ids and trace headers are still propagated). Pass the application's SDK, or
     * {@code GlobalOpenTelemetry.get()}: the request and attempt spans are then the SDK's, and the
     * span context on the wire is theirs; Istio's metrics go to its meter provider.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * The trace-context formats written on outbound requests (default W3C and B3 multi-header);
     * none writes no trace headers. All formats are always read.
     */
    public Builder propagation(TraceFormat... formats) {
      this.traceFormats = formats.length == 0 ? EnumSet.noneOf(TraceFormat.class) : EnumSet.copyOf(Arrays.asList(formats));
      return this;
    }

    /**
     * Headers of inbound requests to carry to outbound calls, besides ids, trace context and
     * baggage — e.g. {@code end-user}, so that a VirtualService matching it works one hop down.
     * Accumulates; names are case-insensitive.
     */
    public Builder propagatedHeaders(String... names) {
      for (String n : names) {
        requireNonNull(n, "name");
        if (!MeshContext.isHeaderName(n)) {
          throw new IllegalArgumentException("propagatedHeaders: \"" + n + "\" (expected: an HTTP header name)");
        }
        propagatedHeaders.add(n.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /**
     * Whether to log one line per request in Envoy's default access-log format, at INFO on the
     * SLF4J logger {@code dev.mesh4j.accesslog} (default false).
     */
    public Builder accessLog(boolean enabled) {
      this.accessLog = enabled;
      return this;
    }

    /**
     * The percentage (0..100) of traces that mesh4j starts itself — a request with no trace to
     * continue and no OpenTelemetry SDK to decide — marked sampled (default 1, Istio's
     * {@code tracing.sampling}). With an SDK, its sampler decides.
     */
    public Builder tracingSampling(double percent) {
      if (!(percent >= 0 && percent <= 100)) {
        throw new IllegalArgumentException("tracingSampling: " + percent + " (expected: 0..100)");
      }
      this.tracingSamplingPercent = percent;
      return this;
    }

    /**
     * Adds a listener told of every request, attempt and decision (see {@link MeshListener} for
     * the events and the threading contract). Listeners are called in the order added, each
     * guarded: what one throws is logged and ignored.
     */
    public Builder listener(MeshListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Whether {@link #build()} succeeds when a source's initial configuration is invalid or a
     * source does not sync in time (default false: it throws). When true, the mesh starts
     * without what that source would have delivered — with nothing from an invalid set of files,
     * so their hosts are unknown and handled by the outbound traffic policy — logs the problems,
     * and the first {@link Mesh#reload()} (or periodic reload, or update of a watched source)
     * that delivers a valid configuration applies it. For applications that would rather run and
     * report unhealthy than not start.
     */
    public Builder lenientStart(boolean enabled) {
      this.lenientStart = enabled;
      return this;
    }

    /**
     * The workload identity to present under mutual TLS, read from where Istio's agent writes it:
     * {@code identity(IdentityFiles.istioDefaults())}, or {@code IdentityFiles.directory(path)}.
     * With an identity, {@code ISTIO_MUTUAL} DestinationRules present it, and auto mTLS applies as
     * in Istio: to a service without a DestinationRule {@code tls} setting, endpoints labelled
     * {@code security.istio.io/tlsMode: istio} are sent mutual TLS, the others plain text. Without
     * one (the default), {@code ISTIO_MUTUAL} fails closed and every endpoint gets plain text.
     * While the source has no usable identity, requests that need one fail with 503 {@code UF}
     * saying why. Set once.
     */
    public Builder identity(IdentitySource source) {
      requireNonNull(source, "source");
      if (this.identitySource != null) {
        throw new IllegalStateException("identity was already set (to " + identitySource.name() + ")");
      }
      this.identitySource = source;
      return this;
    }

    /** A fixed workload identity (tests, identities from elsewhere): as {@link #identity(IdentitySource)}. */
    public Builder identity(WorkloadIdentity identity) {
      return identity(new FixedIdentity(requireNonNull(identity, "identity")));
    }

    private Workload workload() {
      return fixedWorkload != null ? fixedWorkload : workload.build();
    }

    /**
     * Starts the sources, validates and compiles what they deliver.
     *
     * @throws MeshConfigException listing every problem, if the configuration is invalid
     * @throws IllegalStateException when a source does not deliver its initial state in time
     */
    public Mesh build() {
      return new Mesh(this);
    }
  }
}
