package dev.mesh4j.core;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.ConfigProblem;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.config.MeshConfigException;
import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.runtime.DnsResolver;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Scheduler;
import dev.mesh4j.api.runtime.Sleeper;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.context.MeshContext;
import dev.mesh4j.core.context.TraceFormat;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.explain.MeshSummary;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.cluster.ClusterStates;
import dev.mesh4j.core.internal.config.ConfigLoader;
import dev.mesh4j.core.internal.config.ConfigSource;
import dev.mesh4j.core.internal.discovery.DnsCache;
import dev.mesh4j.core.internal.engine.Explainer;
import dev.mesh4j.core.internal.engine.RequestPipeline;
import dev.mesh4j.core.internal.engine.Summarizer;
import dev.mesh4j.core.internal.runtime.Periodic;
import dev.mesh4j.core.internal.runtime.SystemScheduler;
import dev.mesh4j.core.internal.snapshot.MeshSnapshot;
import dev.mesh4j.core.internal.snapshot.SnapshotCompiler;
import dev.mesh4j.core.internal.telemetry.Telemetry;
import dev.mesh4j.core.observe.MeshListener;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 * <p>Thread-safe. Each request reads the current compiled snapshot once and finishes on it;
 * {@link #reload()}, registry changes and DNS refreshes build a new snapshot off the request
 * path and swap it atomically. A configuration that fails validation never replaces a good one.
 * Reloads run one at a time, so the configuration read last is the one that serves.
 *
 * <p>{@link #close()} stops the background work (DNS refresh, outlier-detection sweeps, change
 * checks). Requests in flight finish; requests started afterwards fail with an
 * {@link IOException} saying the mesh is closed, since without its background work ejected
 * endpoints would never return and DNS answers would age forever.
 */
public final class Mesh implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Mesh.class);
  private static final String CLOSED = "mesh4j: this Mesh is closed (Mesh.close() stopped its background work)";

  private final List<ConfigSource> sources;
  private final Workload workload;
  private final ServiceRegistry registry;
  private final DnsCache dns;
  private final SnapshotCompiler compiler;
  private final RequestPipeline pipeline;
  private final Explainer explainer;
  private final Ticker ticker;
  private final Clock clock;
  private final List<String> propagatedHeaders;
  private final Runnable registryListener = this::rebuildQuietly;
  private final Scheduler scheduler;
  private final @Nullable SystemScheduler ownedScheduler;
  private final List<Periodic> background = new ArrayList<>();
  private volatile long sourcesFingerprint;
  /** Guards the snapshot, config and version: held briefly to compile and swap. */
  private final Object lock = new Object();
  /** Serializes reloads, so that the configuration read last is the one applied. */
  private final Object reloadLock = new Object();
  private volatile boolean closed;
  private volatile MeshSnapshot snapshot;
  private MeshConfig config;
  private long version;

  private Mesh(Builder b) {
    this.sources = List.copyOf(b.sources);
    this.ownedScheduler = b.scheduler == null ? new SystemScheduler("mesh4j-background") : null;
    this.scheduler = b.scheduler != null ? b.scheduler : ownedScheduler;
    this.workload = b.workload();
    this.registry = b.registry;
    this.dns = new DnsCache(b.dnsResolver);
    Scheduler background = scheduler;
    this.compiler = new SnapshotCompiler(workload, dns,
        new ClusterStates(b.random, task -> background.schedule(Duration.ZERO, task)), scheduler, b.ticker);
    this.propagatedHeaders = List.copyOf(b.propagatedHeaders);
    Telemetry.Builder telemetry = Telemetry.builder()
        .openTelemetry(b.openTelemetry)
        .formats(b.traceFormats)
        .accessLog(b.accessLog)
        .workload(workload)
        .random(b.random)
        .ticker(b.ticker)
        .clock(b.clock)
        .samplingPercent(b.tracingSamplingPercent)
        .enabled(b.telemetry);
    b.listeners.forEach(telemetry::listener);  // each guarded on its own
    this.pipeline = new RequestPipeline(b.random, b.sleeper, b.ticker, b.shadowHostSuffix, telemetry.build());
    this.explainer = new Explainer(b.random);
    this.ticker = b.ticker;
    this.clock = b.clock;
    // Read before loading: a change made while loading is then seen by the next check.
    this.sourcesFingerprint = ConfigLoader.fingerprint(sources);
    this.config = initialConfig(sources, workload.namespace(), b.lenientStart);
    this.snapshot = compiler.compile(++version, config, registry.snapshot());
    logWarnings(snapshot.warnings());
    registry.addListener(registryListener);
    schedule(b.dnsRefreshInterval, this::refreshDns, "dns-refresh");
    schedule(b.reloadInterval, this::reloadPeriodically, "config-reload");
  }

  private static MeshConfig initialConfig(List<ConfigSource> sources, String namespace, boolean lenient) {
    try {
      return ConfigLoader.load(sources, namespace);
    } catch (MeshConfigException e) {
      if (!lenient) {
        throw e;
      }
      log.error("mesh4j: the configuration is invalid; starting with none until a reload succeeds. {}",
          e.getMessage());
      return MeshConfig.EMPTY;
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

  /** What the mesh would do with a request, and why, without sending anything. */
  public Explanation explain(MeshRequest request) {
    ensureOpen();
    return explainer.explain(snapshot, request);
  }

  /**
   * A picture of what this mesh holds now — services with their routes, clusters with their
   * endpoints and which of those are ejected — for tools and health pages. Cheap enough to call
   * on demand, not meant for the request path.
   */
  public MeshSummary describe() {
    return Summarizer.summarize(snapshot);
  }

  /**
   * Re-reads every configuration source, validates it and, if it is valid, makes it the
   * configuration of every request that starts after this returns.
   *
   * <p>Reloads run one at a time: of two concurrent calls, the one that reads the sources
   * later applies last. Reading and validating happen outside the lock that endpoint changes
   * take, so a slow reload never holds up registry updates.
   *
   * @throws MeshConfigException when the new configuration is invalid; the current one keeps
   *     serving
   * @throws IllegalStateException when this mesh is closed
   */
  public void reload() {
    synchronized (reloadLock) {
      ensureOpen();
      long fingerprint = ConfigLoader.fingerprint(sources);
      MeshConfig next;
      try {
        next = ConfigLoader.load(sources, workload.namespace());
      } catch (MeshConfigException e) {
        sourcesFingerprint = fingerprint;
        log.error("mesh4j: reload rejected; the configuration in force keeps serving. {}", e.getMessage());
        throw e;
      }
      synchronized (lock) {
        sourcesFingerprint = fingerprint;
        MeshSnapshot s = compiler.compile(version + 1, next, registry.snapshot());
        version++;
        config = next;
        snapshot = s;
        logWarnings(s.warnings());
      }
    }
  }

  /** The configuration in force. */
  public MeshConfig config() {
    synchronized (lock) {
      return config;
    }
  }

  /** Warnings of the configuration in force: unknown fields, undefined subsets, conflicts. */
  public List<ConfigProblem> warnings() {
    return snapshot.warnings();
  }

  /** The version of the compiled configuration in force; increases with every rebuild. */
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
   * Reloads if any configuration source changed since the last load, as the periodic check of
   * {@code reloadInterval} does. A rejected change is remembered: the same contents are not
   * tried again until they change once more.
   *
   * @return whether the sources had changed (and the new configuration now serves)
   * @throws MeshConfigException when they changed and the new configuration is invalid; the
   *     configuration in force keeps serving
   */
  public boolean reloadIfChanged() {
    synchronized (reloadLock) {
      ensureOpen();
      if (ConfigLoader.fingerprint(sources) == sourcesFingerprint) {
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
      // Logged by reload(); the fingerprint is remembered so the same bad file is not retried.
    } catch (RuntimeException e) {
      log.warn("mesh4j: checking configuration sources failed", e);
    }
  }

  /** Resolves DNS-based services again now and applies changed addresses. */
  void refreshDns() {
    if (dns.refresh()) {
      rebuildQuietly();
    }
  }

  /** The snapshot in force (tests and tools in this package). */
  MeshSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Stops this mesh's background work. Requests in flight finish; later requests fail with an
   * {@link IOException}, and {@link #reload()} and {@link #explain} with an
   * {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    registry.removeListener(registryListener);
    background.forEach(Periodic::close);
    compiler.close();
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(CLOSED);
    }
  }

  private void rebuildQuietly() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      try {
        snapshot = compiler.compile(++version, config, registry.snapshot());
      } catch (RuntimeException e) {
        log.error("mesh4j: could not apply an endpoint change; the previous endpoints stay in force", e);
      }
    }
  }

  private static void logWarnings(List<ConfigProblem> warnings) {
    for (ConfigProblem w : warnings) {
      log.warn("mesh4j config: {}", w);
    }
  }

  /**
   * Builds a {@link Mesh}. Configuration sources accumulate and are read in the order given.
   * Not thread-safe.
   */
  public static final class Builder {
    private final List<ConfigSource> sources = new ArrayList<>();
    private Workload.Builder workload = Workload.builder();
    private @Nullable Workload fixedWorkload;
    private ServiceRegistry registry = new ServiceRegistry();
    private RandomSource random = RandomSource.threadLocal();
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private DnsResolver dnsResolver = DnsResolver.system();
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
    private final List<MeshListener> listeners = new ArrayList<>();
    private int yamlCount;

    private Builder() {}

    /** Reads a manifest file (YAML, multi-document, or JSON). */
    public Builder configFile(Path file) {
      sources.add(ConfigSource.file(requireNonNull(file, "file")));
      return this;
    }

    /** Reads every {@code *.yaml}, {@code *.yml} and {@code *.json} under a folder, by path. */
    public Builder configDirectory(Path directory) {
      sources.add(ConfigSource.directory(requireNonNull(directory, "directory")));
      return this;
    }

    /** Reads a classpath resource, e.g. {@code istio/reviews.yaml}. */
    public Builder configResource(String resource) {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      sources.add(ConfigSource.resource(requireNonNull(resource, "resource"),
          loader != null ? loader : Mesh.class.getClassLoader()));
      return this;
    }

    /** Reads manifests from a string; problems are reported under {@code <yaml-N>}. */
    public Builder configYaml(String yaml) {
      sources.add(ConfigSource.yaml("<yaml-" + (++yamlCount) + ">", requireNonNull(yaml, "yaml")));
      return this;
    }

    /** Reads manifests from a string, reporting problems under {@code name}. */
    public Builder configYaml(String name, String yaml) {
      sources.add(ConfigSource.yaml(requireNonNull(name, "name"), requireNonNull(yaml, "yaml")));
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
     * Checks the configuration files for changes this often and reloads when they change
     * (default zero: only {@link Mesh#reload()} reloads). A change that fails validation is
     * logged and the configuration in force keeps serving.
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
     * Whether {@link #build()} succeeds when the configuration is invalid (default false: it
     * throws). When true, the mesh starts with no configuration at all — every host unknown, so
     * handled by the outbound traffic policy — logs the problems, and the first
     * {@link Mesh#reload()} (or periodic reload) that reads a valid configuration applies it.
     * For applications that would rather run and report unhealthy than not start.
     */
    public Builder lenientStart(boolean enabled) {
      this.lenientStart = enabled;
      return this;
    }

    private Workload workload() {
      return fixedWorkload != null ? fixedWorkload : workload.build();
    }

    /**
     * Loads, validates and compiles the configuration.
     *
     * @throws MeshConfigException listing every problem, if the configuration is invalid
     */
    public Mesh build() {
      return new Mesh(this);
    }
  }
}
