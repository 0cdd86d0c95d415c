package dev.mesh4j.core.internal.routing;

import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.internal.common.Quoting;
import org.jspecify.annotations.Nullable;

/**
 * One request condition of an HTTP match: all conditions of a match must hold. Immutable and
 * thread-safe; {@link #test} runs on every request, the rest only for explain.
 */
public interface Condition {

  /** Whether the request meets the condition. {@code port} is the service port addressed. */
  boolean test(MeshRequest request, int port);

  /** What the condition requires, e.g. {@code header end-user: exact "jason"}. */
  String describe();

  /** What the request has for this condition, for explain ({@code absent} when missing). */
  String actual(MeshRequest request, int port);

  /** A request value as explain shows it: quoted, escaped and cut (it is request data). */
  static String shown(@Nullable String value) {
    return value == null ? "absent" : Quoting.quote(value);
  }
}
