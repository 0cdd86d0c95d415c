package dev.mesh4j.core.context;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.core.internal.telemetry.InboundContext;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The context of the inbound request a service is handling, carried to every meshed outbound
 * call made while handling it — what a sidecar needs the application to copy by hand.
 *
 * <pre>{@code
 * // in a servlet filter, an RPC interceptor, a message listener:
 * MeshContext context = mesh.captureContext(request::getHeader);
 * try (MeshContext.Scope scope = context.makeCurrent()) {
 *   chain.doFilter(request, response);   // outbound calls carry x-request-id, the trace,
 * }                                      // baggage and end-user, and are routed on them
 * }</pre>
 *
 * <p>A captured context holds, each validated (too long, or with a character a header may not
 * carry, and a value is left out): {@code x-request-id}; the caller's trace context (the first
 * valid of W3C {@code traceparent}/{@code tracestate}, B3 single {@code b3}, B3 multi
 * {@code x-b3-*}); W3C {@code baggage}; {@code x-ot-span-context}; and the user-named headers the
 * mesh was configured with ({@code Mesh.builder().propagatedHeaders("end-user")}).
 *
 * <p>Outbound, the request keeps its own headers; what it lacks comes from the context; the trace
 * headers are written fresh for each attempt, as children of the caller's span (or of the current
 * OpenTelemetry span, when the application has one).
 *
 * <p>Across threads: {@link #taskWrapping(ExecutorService)} and {@link #wrap(Runnable)} carry
 * the context current at submit time to the task; OkHttp's {@code enqueue()} carries it to the
 * call (mesh-okhttp). The context is stored in OpenTelemetry's {@link Context}, so OpenTelemetry's
 * own context propagation carries it as well. Immutable and thread-safe.
 */
public final class MeshContext {

  /** A context with nothing in it. */
  public static final MeshContext EMPTY = new MeshContext(InboundContext.EMPTY);

  /** Reads one header of an inbound request by name (any case); null when absent. */
  @FunctionalInterface
  public interface HeaderSource {
    @Nullable String get(String name);
  }

  /** Ends a {@link #makeCurrent()}; restores the context that was current before. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  private final InboundContext inbound;

  private MeshContext(InboundContext inbound) {
    this.inbound = inbound;
  }

  /**
   * Captures an inbound request's context: ids, trace, baggage and each of {@code userHeaders}.
   * {@code Mesh.captureContext(headers)} does this with the mesh's configured header names.
   */
  public static MeshContext capture(HeaderSource headers, Collection<String> userHeaders) {
    requireNonNull(headers, "headers");
    requireNonNull(userHeaders, "userHeaders");
    InboundContext c = InboundContext.capture(headers::get, userHeaders);
    return c.isEmpty() ? EMPTY : new MeshContext(c);
  }

  /** Captures an inbound request's context; see {@link #capture(HeaderSource, Collection)}. */
  public static MeshContext capture(HeaderSource headers, String... userHeaders) {
    return capture(headers, Arrays.asList(userHeaders));
  }

  /** Captures a context from a map of headers (names in any case; a list's first value counts). */
  public static MeshContext capture(Map<String, ? extends List<String>> headers, Collection<String> userHeaders) {
    requireNonNull(headers, "headers");
    return capture(name -> {
      for (Map.Entry<String, ? extends List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }, userHeaders);
  }

  /** The context current on this thread, or {@link #EMPTY}. */
  public static MeshContext current() {
    InboundContext c = Context.current().get(InboundContext.KEY);
    return c == null || c.isEmpty() ? EMPTY : new MeshContext(c);
  }

  /**
   * Makes this context current on this thread until the scope is closed; close it on the same
   * thread, in a try-with-resources.
   */
  public Scope makeCurrent() {
    io.opentelemetry.context.Scope s = Context.current().with(InboundContext.KEY, inbound).makeCurrent();
    return s::close;
  }

  /** Runs {@code task} with the context current at this call. */
  public static Runnable wrap(Runnable task) {
    return Context.current().wrap(requireNonNull(task, "task"));
  }

  /** Calls {@code task} with the context current at this call. */
  public static <T> Callable<T> wrapCallable(Callable<T> task) {
    return Context.current().wrap(requireNonNull(task, "task"));
  }

  /** An executor running each task with the context current when it was submitted. */
  public static Executor taskWrapping(Executor executor) {
    return Context.taskWrapping(requireNonNull(executor, "executor"));
  }

  /**
   * An executor service running each task with the context current when it was submitted.
   * Shutting it down shuts down {@code executor}.
   */
  public static ExecutorService taskWrapping(ExecutorService executor) {
    return Context.taskWrapping(requireNonNull(executor, "executor"));
  }

  /** A scheduled executor service running each task with the context current when it was scheduled. */
  public static ScheduledExecutorService taskWrapping(ScheduledExecutorService executor) {
    return Context.taskWrapping(requireNonNull(executor, "executor"));
  }

  /** Whether {@code name} is a valid HTTP header name (an RFC 9110 token); others are not captured. */
  public static boolean isHeaderName(String name) {
    return InboundContext.isHeaderName(requireNonNull(name, "name"));
  }

  /** Whether nothing was captured. */
  public boolean isEmpty() {
    return inbound.isEmpty();
  }

  /** The inbound {@code x-request-id}, or null. */
  public @Nullable String requestId() {
    return inbound.requestId();
  }

  /** The caller's span, as read from the trace headers; invalid when there were none. */
  public SpanContext spanContext() {
    return inbound.spanContext();
  }

  /** The inbound W3C baggage (empty when none). */
  public Baggage baggage() {
    return inbound.baggage();
  }

  /** The user-named headers captured, by lower-case name. */
  public Map<String, String> headers() {
    return inbound.headers();
  }

  /** A captured user-named header, or null. */
  public @Nullable String header(String name) {
    return inbound.header(name.toLowerCase(java.util.Locale.ROOT));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MeshContext other && other.inbound == inbound;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(inbound);
  }

  @Override
  public String toString() {
    return inbound.toString();
  }
}
