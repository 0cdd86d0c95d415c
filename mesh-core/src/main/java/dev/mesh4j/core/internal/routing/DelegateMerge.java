package dev.mesh4j.core.internal.routing;

import dev.mesh4j.api.config.HttpMatchRequest;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.StringMatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Merges a delegate's route into the delegating route as Istio does
 * ({@code pilot/pkg/model/virtualservice.go} {@code mergeHTTPRoute}): the leaf's matches are
 * combined with every compatible root match (a leaf condition must narrow the root's, never
 * contradict it); a leaf route with a match no root match admits is dropped. Route fields the
 * leaf leaves unset are inherited from the root.
 */
final class DelegateMerge {
  private DelegateMerge() {}

  static @Nullable HttpRoute merge(HttpRoute root, HttpRoute leaf) {
    List<HttpMatchRequest> matches;
    if (root.match().isEmpty()) {
      matches = leaf.match();
    } else if (leaf.match().isEmpty()) {
      matches = root.match();
    } else {
      matches = new ArrayList<>();
      for (HttpMatchRequest l : leaf.match()) {
        boolean any = false;
        for (HttpMatchRequest r : root.match()) {
          HttpMatchRequest m = mergeMatch(r, l);
          if (m != null) {
            matches.add(m);
            any = true;
          }
        }
        if (!any) {
          return null;
        }
      }
    }
    String name = root.name() == null ? leaf.name()
        : leaf.name() == null ? root.name() : root.name() + "-" + leaf.name();
    return new HttpRoute(name, matches, leaf.route(), leaf.redirect(),
        leaf.directResponse() != null ? leaf.directResponse() : root.directResponse(),
        null,
        leaf.rewrite() != null ? leaf.rewrite() : root.rewrite(),
        leaf.timeout() != null ? leaf.timeout() : root.timeout(),
        leaf.retries() != null ? leaf.retries() : root.retries(),
        leaf.fault() != null ? leaf.fault() : root.fault(),
        !leaf.mirrors().isEmpty() ? leaf.mirrors() : root.mirrors(),
        !leaf.headers().isEmpty() ? leaf.headers() : root.headers());
  }

  private static @Nullable HttpMatchRequest mergeMatch(HttpMatchRequest root, HttpMatchRequest leaf) {
    if (root.ignoreUriCase() != leaf.ignoreUriCase()
        || conflict(root.uri(), leaf.uri()) || conflict(root.scheme(), leaf.scheme())
        || conflict(root.method(), leaf.method()) || conflict(root.authority(), leaf.authority())
        || (root.port() != null && leaf.port() != null && !root.port().equals(leaf.port()))
        || (root.sourceNamespace() != null && leaf.sourceNamespace() != null
            && !root.sourceNamespace().equals(leaf.sourceNamespace()))) {
      return null;
    }
    Map<String, StringMatch> headers = mergeMap(root.headers(), leaf.headers());
    Map<String, StringMatch> without = mergeMap(root.withoutHeaders(), leaf.withoutHeaders());
    Map<String, StringMatch> query = mergeMap(root.queryParams(), leaf.queryParams());
    if (headers == null || without == null || query == null) {
      return null;
    }
    Map<String, String> labels = new LinkedHashMap<>(root.sourceLabels());
    for (Map.Entry<String, String> e : leaf.sourceLabels().entrySet()) {
      String prev = labels.put(e.getKey(), e.getValue());
      if (prev != null && !prev.equals(e.getValue())) {
        return null;
      }
    }
    if (!root.gateways().isEmpty() && !leaf.gateways().isEmpty()
        && !root.gateways().containsAll(leaf.gateways())) {
      return null;
    }
    return new HttpMatchRequest(
        leaf.name() != null ? leaf.name() : root.name(),
        leaf.uri() != null ? leaf.uri() : root.uri(),
        leaf.scheme() != null ? leaf.scheme() : root.scheme(),
        leaf.method() != null ? leaf.method() : root.method(),
        leaf.authority() != null ? leaf.authority() : root.authority(),
        headers, without, query, leaf.ignoreUriCase(),
        leaf.port() != null ? leaf.port() : root.port(),
        labels,
        !leaf.gateways().isEmpty() ? leaf.gateways() : root.gateways(),
        leaf.sourceNamespace() != null ? leaf.sourceNamespace() : root.sourceNamespace());
  }

  private static @Nullable Map<String, StringMatch> mergeMap(Map<String, StringMatch> root,
      Map<String, StringMatch> leaf) {
    Map<String, StringMatch> out = new LinkedHashMap<>(root);
    for (Map.Entry<String, StringMatch> e : leaf.entrySet()) {
      StringMatch r = root.get(e.getKey());
      if (r != null && conflict(r, e.getValue())) {
        return null;
      }
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  /**
   * Whether a leaf condition fails to narrow the root's: an exact root needs the same exact leaf,
   * a prefix root a leaf exact or prefix starting with it; regexes only combine with an unset side.
   */
  private static boolean conflict(@Nullable StringMatch root, @Nullable StringMatch leaf) {
    if (root == null || leaf == null) {
      return false;
    }
    return switch (root.kind()) {
      case EXACT -> !(leaf.kind() == StringMatch.Kind.EXACT && Objects.equals(leaf.value(), root.value()));
      case PREFIX -> !((leaf.kind() == StringMatch.Kind.EXACT || leaf.kind() == StringMatch.Kind.PREFIX)
          && leaf.value().startsWith(root.value()));
      case REGEX -> true;
      case PRESENT -> false;
    };
  }
}
