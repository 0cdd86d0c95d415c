package dev.mesh4j.core.internal.routing;

import dev.mesh4j.api.config.HeaderOperations;
import dev.mesh4j.core.http.HeaderMutation.Kind;
import dev.mesh4j.core.internal.common.FramingHeaders;
import dev.mesh4j.core.internal.common.HeaderFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns Istio header operations into the ordered mutation Envoy performs.
 *
 * <p>Envoy's header parser removes first, then sets, then adds, whatever the order in the
 * config; values are Envoy format strings ({@link HeaderFormat}: {@code %%} is a literal
 * {@code %}, {@code %VARIABLE%}s are substituted per request or response); empty values are
 * skipped. {@code host} and {@code :authority} are not headers to Envoy but a host rewrite, and
 * are returned as {@link Compiled#authority()}. Operations on the headers that frame a message or
 * its connection ({@link FramingHeaders}) are not applied: the transport owns them, and a peer told of
 * a body that is not there waits for it (the decoder warns).
 */
final class HeaderCompiler {
  private HeaderCompiler() {}

  /** A compiled operation list and the authority it sets, if any. */
  record Compiled(HeaderTemplate template, @Nullable String authority) {}

  /** One parser over several operation lists (route then destination for a single destination). */
  static Compiled parser(HeaderOperations... levels) {
    List<String> removes = new ArrayList<>();
    List<Map.Entry<String, String>> sets = new ArrayList<>();
    List<Map.Entry<String, String>> adds = new ArrayList<>();
    String authority = null;
    String addedAuthority = null;
    for (HeaderOperations ops : levels) {
      for (String name : ops.remove()) {
        if (!isAuthority(name) && !FramingHeaders.is(name)) {
          removes.add(name);
        }
      }
      for (Map.Entry<String, String> e : ops.set().entrySet()) {
        if (isAuthority(e.getKey())) {
          authority = unescape(e.getValue());
        } else if (!FramingHeaders.is(e.getKey())) {
          sets.add(e);
        }
      }
      for (Map.Entry<String, String> e : ops.add().entrySet()) {
        if (isAuthority(e.getKey())) {
          addedAuthority = unescape(e.getValue());
        } else if (!FramingHeaders.is(e.getKey())) {
          adds.add(e);
        }
      }
    }
    HeaderTemplate.Builder b = new HeaderTemplate.Builder();
    removes.forEach(b::remove);
    sets.forEach(e -> b.put(Kind.SET, e.getKey(), HeaderFormat.compile(e.getValue(), System::getenv)));
    adds.forEach(e -> b.put(Kind.ADD, e.getKey(), HeaderFormat.compile(e.getValue(), System::getenv)));
    // Istio: a "set" of the authority wins over an "add".
    return new Compiled(b.build(), authority != null ? authority : addedAuthority);
  }

  private static boolean isAuthority(String name) {
    return name.equals("host") || name.equals(":authority");
  }

  static String unescape(String v) {
    return v.indexOf('%') < 0 ? v : v.replace("%%", "%");
  }
}
