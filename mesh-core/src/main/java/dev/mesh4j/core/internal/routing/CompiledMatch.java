package dev.mesh4j.core.internal.routing;

import dev.mesh4j.api.config.StringMatch;
import dev.mesh4j.core.http.MeshRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a route's {@code match} list (or the implicit match-all of a route without one):
 * conditions that must all hold, and the route they lead to. Immutable and thread-safe.
 *
 * <p>Envoy turns every Istio match into its own route, so a rewrite depends on which match hit:
 * {@link #uriKind()} and {@link #uriValue()} keep what the path was matched against.
 *
 * <p>It also keeps the last routing result the engine made of it ({@link #lastResult}), so that a
 * request routed the way the one before it was allocates no result: the one slot that changes.
 */
public final class CompiledMatch {
  private final CompiledRoute route;
  private final int index;
  private final @Nullable String name;
  private final Condition[] conditions;
  private final StringMatch.@Nullable Kind uriKind;
  private final String uriValue;
  /**
   * The engine's last result for this match: an immutable object (final fields), so a plain
   * field publishes it safely; a race only makes one more.
   */
  private @Nullable Object lastResult;

  CompiledMatch(CompiledRoute route, int index, @Nullable String name, List<Condition> conditions,
      StringMatch.@Nullable Kind uriKind, String uriValue) {
    this.route = route;
    this.index = index;
    this.name = name;
    this.conditions = conditions.toArray(new Condition[0]);
    this.uriKind = uriKind;
    this.uriValue = uriValue;
  }

  /** The engine's last routing result for this match, or null (see {@link #lastResult(Object)}). */
  public @Nullable Object lastResult() {
    return lastResult;
  }

  /** Keeps the engine's routing result for this match, immutable, for the next request routed alike. */
  public void lastResult(Object result) {
    this.lastResult = result;
  }

  /** Whether every condition holds. The hot path: no allocation beyond what matchers need. */
  public boolean matches(MeshRequest request, int port) {
    for (Condition c : conditions) {
      if (!c.test(request, port)) {
        return false;
      }
    }
    return true;
  }

  /** The first condition that fails, or null when all hold (for explain). */
  public @Nullable Condition firstFailing(MeshRequest request, int port) {
    for (Condition c : conditions) {
      if (!c.test(request, port)) {
        return c;
      }
    }
    return null;
  }

  public CompiledRoute route() {
    return route;
  }

  /** The position in the route's {@code match} list; -1 for a route without matches. */
  public int index() {
    return index;
  }

  public @Nullable String name() {
    return name;
  }

  public List<Condition> conditions() {
    return List.of(conditions);
  }

  /** How the path was matched: null when the match has no {@code uri} (Envoy's prefix "/"). */
  public StringMatch.@Nullable Kind uriKind() {
    return uriKind;
  }

  public String uriValue() {
    return uriValue;
  }

  /** Whether this match can only hold on the given port ({@code port} conditions). */
  boolean admitsPort(int port) {
    for (Condition c : conditions) {
      if (c instanceof Conditions.Port p && p.expected() != port) {
        return false;
      }
    }
    return true;
  }
}
