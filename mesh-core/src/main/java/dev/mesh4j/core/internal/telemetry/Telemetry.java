package dev.mesh4j.core.internal.telemetry;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.observe.MeshListener;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A mesh's telemetry: how requests are given ids and trace context, and who hears about them
 * (spans through the OpenTelemetry tracer, Istio metrics, the access log, the application's
 * listeners). {@link #start} begins one request's telemetry. Thread-safe: its settings are
 * immutable; the listeners are an immutable list swapped atomically when one is
 * {@linkplain #addListener added} to a running mesh, and each request reads them once, at its
 * start, so that a listener hears every event of a request or none.
 *
 * <p>Without an OpenTelemetry SDK (the no-op tracer and meter providers) no span is started and
 * no metric recorded; what remains is ids and headers.
 */
public final class Telemetry {
  /**
   * The trace-header formats written: the public {@code TraceFormat}'s values, mapped by the
   * mesh so that the engine does not depend on the API package that depends on it.
   */
  public enum Format {
    W3C,
    B3_MULTI,
    B3_SINGLE
  }

  /** The instrumentation scope of mesh4j's spans and metrics. */
  public static final String SCOPE = "dev.mesh4j";

  final Set<Format> formats;
  final @Nullable Tracer tracer;
  /** mesh4j's own listeners and the builder's, each guarded, in order. */
  private final List<MeshListener> configured;
  /** Every listener in force (configured, then added), composed; swapped under this. */
  private volatile MeshListener listener;
  /** Listeners added to the running mesh: the caller's object and its guard. Guarded by this. */
  private final List<MeshListener[]> added = new ArrayList<>();
  final RandomSource random;
  final Ticker ticker;
  final Clock clock;
  private final long samplePerMillion;
  private final boolean enabled;

  /** The wall clock of the mesh (event times, {@code %START_TIME%} of header values). */
  public Clock clock() {
    return clock;
  }

  private Telemetry(Builder b) {
    this.formats = b.formats.isEmpty() ? Set.of() : Set.copyOf(b.formats);
    TracerProvider tracers = b.openTelemetry.getTracerProvider();
    this.tracer = tracers == TracerProvider.noop() ? null : tracers.get(SCOPE);
    // Each listener guarded on its own: one that throws does not keep the others from hearing.
    List<MeshListener> all = new ArrayList<>();
    MeterProvider meters = b.openTelemetry.getMeterProvider();
    if (meters != MeterProvider.noop()) {
      all.add(GuardedListener.guard(new IstioMetrics(meters, b.workload)));
    }
    if (b.accessLog) {
      all.add(GuardedListener.guard(new AccessLog()));
    }
    for (MeshListener l : b.listeners) {
      all.add(GuardedListener.guard(l));
    }
    this.configured = List.copyOf(all);
    this.listener = MeshListener.of(configured);
    this.random = b.random;
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.samplePerMillion = Math.round(b.samplingPercent * 10_000);
    this.enabled = b.enabled;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Begins one request's telemetry: ids, context, the request span; tells listeners. With
   * telemetry off, an observer that does nothing.
   */
  public <R> RequestObserver<R> start(MeshRequest request) {
    return enabled ? new RequestTelemetry<>(this, request) : RequestObserver.none();
  }

  /**
   * Where the mesh's own events go (ejections, config and endpoint changes): every listener,
   * guarded, or none when telemetry is off.
   */
  public MeshListener events() {
    return enabled ? listener : MeshListener.NONE;
  }

  /** Every listener in force now; a request reads this once, at its start. */
  MeshListener listener() {
    return listener;
  }

  /** Whether spans or {@code listener} will read route decisions (without either, none are built). */
  boolean observesRoutes(MeshListener listener) {
    return tracer != null || listener != MeshListener.NONE;
  }

  /**
   * Adds a listener, guarded, after the configured ones: it hears the requests that start from
   * now on, and the mesh's events.
   */
  public synchronized void addListener(MeshListener l) {
    requireNonNull(l, "listener");
    added.add(new MeshListener[] {l, GuardedListener.guard(l)});
    recompose();
  }

  /** Removes a listener {@linkplain #addListener added} before (the same object); false if none was. */
  public synchronized boolean removeListener(MeshListener l) {
    for (int i = 0; i < added.size(); i++) {
      if (added.get(i)[0] == l) {
        added.remove(i);
        recompose();
        return true;
      }
    }
    return false;
  }

  private void recompose() {
    List<MeshListener> all = new ArrayList<>(configured);
    for (MeshListener[] a : added) {
      all.add(a[1]);
    }
    listener = MeshListener.of(all);
  }

  /** The sampling decision for a trace mesh4j starts itself (no parent, no SDK). */
  TraceFlags sampleNewTrace() {
    return samplePerMillion > 0 && (samplePerMillion >= 1_000_000 || random.nextInt(1_000_000) < samplePerMillion)
        ? TraceFlags.getSampled() : TraceFlags.getDefault();
  }

  /** Telemetry settings. Not thread-safe. */
  public static final class Builder {
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private Set<Format> formats = EnumSet.of(Format.W3C, Format.B3_MULTI);
    private boolean accessLog;
    private final List<MeshListener> listeners = new ArrayList<>();
    private Workload workload = Workload.defaults();
    private RandomSource random = RandomSource.threadLocal();
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private double samplingPercent = 1.0;
    private boolean enabled = true;

    private Builder() {}

    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    public Builder formats(Collection<Format> formats) {
      this.formats = formats.isEmpty() ? EnumSet.noneOf(Format.class) : EnumSet.copyOf(formats);
      return this;
    }

    public Builder accessLog(boolean enabled) {
      this.accessLog = enabled;
      return this;
    }

    public Builder listener(MeshListener listener) {
      listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    public Builder workload(Workload workload) {
      this.workload = requireNonNull(workload, "workload");
      return this;
    }

    public Builder random(RandomSource random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Percent (0..100) of new traces mesh4j starts itself that are marked sampled. */
    public Builder samplingPercent(double percent) {
      this.samplingPercent = percent;
      return this;
    }

    /** Whether requests get ids, trace context, spans, metrics and listener events at all. */
    public Builder enabled(boolean enabled) {
      this.enabled = enabled;
      return this;
    }

    public Telemetry build() {
      return new Telemetry(this);
    }
  }
}
