package dev.mesh4j.core.internal.routing;

import dev.mesh4j.api.config.HeaderOperations;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.HeaderMutation.Kind;
import dev.mesh4j.core.http.HeaderMutation.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns Istio header operations into the ordered mutation Envoy performs.
 *
 * <p>Envoy's header parser removes first, then sets, then adds, whatever the order in the
 * config; values are Envoy format strings, so {@code %%} is a literal {@code %}; empty values are
 * skipped. {@code host} and {@code :authority} are not headers to Envoy but a host rewrite, and
 * are returned as {@link Compiled#authority()}.
 */
final class HeaderCompiler {
  private HeaderCompiler() {}

  /** A compiled operation list and the authority it sets, if any. */
  record Compiled(HeaderMutation mutation, @Nullable String authority) {}

  /** One parser over several operation lists (route then destination for a single destination). */
  static Compiled parser(HeaderOperations... levels) {
    List<Op> removes = new ArrayList<>();
    List<Op> sets = new ArrayList<>();
    List<Op> adds = new ArrayList<>();
    String authority = null;
    String addedAuthority = null;
    for (HeaderOperations ops : levels) {
      for (String name : ops.remove()) {
        if (!isAuthority(name)) {
          removes.add(new Op(Kind.REMOVE, name, ""));
        }
      }
      for (Map.Entry<String, String> e : ops.set().entrySet()) {
        String v = unescape(e.getValue());
        if (isAuthority(e.getKey())) {
          authority = v;
        } else if (!v.isEmpty()) {
          sets.add(new Op(Kind.SET, e.getKey(), v));
        }
      }
      for (Map.Entry<String, String> e : ops.add().entrySet()) {
        String v = unescape(e.getValue());
        if (isAuthority(e.getKey())) {
          addedAuthority = v;
        } else if (!v.isEmpty()) {
          adds.add(new Op(Kind.ADD, e.getKey(), v));
        }
      }
    }
    List<Op> all = new ArrayList<>(removes);
    all.addAll(sets);
    all.addAll(adds);
    // Istio: a "set" of the authority wins over an "add".
    return new Compiled(HeaderMutation.of(all), authority != null ? authority : addedAuthority);
  }

  private static boolean isAuthority(String name) {
    return name.equals("host") || name.equals(":authority");
  }

  static String unescape(String v) {
    return v.indexOf('%') < 0 ? v : v.replace("%%", "%");
  }
}
