package dev.mesh4j.core.internal.routing;

import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.core.internal.common.RegexLimits;
import com.google.re2j.Pattern;
import dev.mesh4j.api.config.HttpRoute;
import dev.mesh4j.api.config.StringMatch;
import dev.mesh4j.api.config.VirtualService;
import dev.mesh4j.core.internal.lb.hash.RequestHasher;
import dev.mesh4j.core.internal.resilience.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP route compiled for one workload: its matches (those that can apply to this workload),
 * its action and its path rewrite. Immutable and thread-safe once built.
 */
public final class CompiledRoute {
  private final @Nullable VirtualService virtualService;
  private final String label;
  private final HttpRoute config;
  private List<CompiledMatch> matches = List.of();
  private @Nullable RouteAction action;
  private boolean formatsHeaders;
  private List<Mirror> mirrors = List.of();
  private RetryPolicy retryPolicy = RetryPolicy.NONE;
  private @Nullable RequestHasher hasher;
  private boolean connection;
  private final @Nullable String prefixRewrite;
  private final @Nullable Pattern regexRewrite;
  private final String regexSubstitution;

  CompiledRoute(@Nullable VirtualService virtualService, String label, HttpRoute config) {
    this.virtualService = virtualService;
    this.label = label;
    this.config = config;
    var rewrite = config.rewrite();
    this.prefixRewrite = rewrite == null || rewrite.uri() == null || rewrite.uri().isEmpty()
        ? null : rewrite.uri();
    if (rewrite != null && rewrite.uriRegexRewrite() != null) {
      this.regexRewrite = RegexLimits.compile(rewrite.uriRegexRewrite().match());
      this.regexSubstitution = toJavaReplacement(rewrite.uriRegexRewrite().rewrite());
    } else {
      this.regexRewrite = null;
      this.regexSubstitution = "";
    }
  }

  void addMatch(CompiledMatch m) {
    // Rebuilt on each add (routes have a handful of matches) so the route keeps a compact,
    // immutable list rather than a growable one.
    List<CompiledMatch> next = new ArrayList<>(matches.size() + 1);
    next.addAll(matches);
    next.add(m);
    matches = List.copyOf(next);
  }

  void setAction(RouteAction action) {
    this.action = action;
    this.formatsHeaders = formatsHeaders(action);
  }

  private static boolean formatsHeaders(RouteAction action) {
    if (action instanceof RouteAction.Forward f) {
      for (CompiledDestination d : f.destinations()) {
        if (!d.requestHeaders().isLiteral() || !d.responseHeaders().isLiteral()) {
          return true;
        }
      }
      return false;
    }
    if (action instanceof RouteAction.Redirect r) {
      return !r.responseHeaders().isLiteral();
    }
    return !((RouteAction.Direct) action).responseHeaders().isLiteral();
  }

  /** Whether a header value of this route has {@code %VARIABLE%}s to substitute per request. */
  public boolean formatsHeaders() {
    return formatsHeaders;
  }

  void markConnection() {
    this.connection = true;
  }

  /**
   * Whether this is a {@code tls} or {@code tcp} route (or a service's route for connections to a
   * non-HTTP port): what goes this way is the application's connection, its TLS untouched.
   */
  public boolean isConnection() {
    return connection;
  }

  void setHasher(@Nullable RequestHasher hasher) {
    this.hasher = hasher;
  }

  /**
   * The route's consistent-hash policies (one per destination whose cluster hashes, as Istio
   * appends them, weighted routes included), or null when requests on this route are not hashed.
   */
  public @Nullable RequestHasher hasher() {
    return hasher;
  }

  void setRetryPolicy(RetryPolicy retryPolicy) {
    this.retryPolicy = retryPolicy;
  }

  /** The retry policy in force (Istio's default when the route sets none). */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  void setMirrors(List<Mirror> mirrors) {
    this.mirrors = List.copyOf(mirrors);
  }

  /**
   * A mirror destination and the share of requests copied to it, per million (Envoy's
   * fractional percent).
   */
  public record Mirror(CompiledDestination destination, long perMillion) {}

  /** Where copies of matched requests go. */
  public List<Mirror> mirrors() {
    return mirrors;
  }

  /** The VirtualService this route came from, or null for a service's default route. */
  public @Nullable VirtualService virtualService() {
    return virtualService;
  }

  /** Where the route is, e.g. {@code http[1]}, or {@code default} for a default route. */
  public String label() {
    return label;
  }

  public @Nullable String name() {
    return config.name();
  }

  public HttpRoute config() {
    return config;
  }

  public List<CompiledMatch> matches() {
    return matches;
  }

  public RouteAction action() {
    return java.util.Objects.requireNonNull(action, "action");
  }

  /**
   * The path to send after this route's rewrite, as Envoy computes it: {@code rewrite.uri}
   * replaces the part the match consumed (the prefix for a prefix match, the whole path for an
   * exact or regex match, only the leading "/" when the match has no {@code uri});
   * {@code uriRegexRewrite} replaces every match of its regex in the path (a result that lost its
   * leading "/" gets one: it is sent as the request path).
   */
  public String rewritePath(String path, CompiledMatch matched) {
    if (prefixRewrite != null) {
      int consumed;
      StringMatch.Kind kind = matched.uriKind();
      if (kind == null) {
        consumed = 1;
      } else if (kind == StringMatch.Kind.PREFIX) {
        consumed = Math.min(matched.uriValue().length(), path.length());
      } else {
        consumed = path.length();
      }
      return prefixRewrite + path.substring(consumed);
    }
    if (regexRewrite != null) {
      String rewritten = regexRewrite.matcher(path).replaceAll(regexSubstitution);
      // A path must start with '/': an HTTP client throws for one that does not, on every request.
      return rewritten.startsWith("/") ? rewritten : "/" + rewritten;
    }
    return path;
  }

  /** This route with only some of its matches (same action, mirrors and rewrite). */
  CompiledRoute withMatches(List<CompiledMatch> kept) {
    CompiledRoute copy = new CompiledRoute(virtualService, label, config);
    for (CompiledMatch m : kept) {
      copy.addMatch(new CompiledMatch(copy, m.index(), m.name(), m.conditions(), m.uriKind(), m.uriValue()));
    }
    copy.setAction(action());
    copy.setMirrors(mirrors);
    return copy;
  }

  /** Whether any match can hold on this port. */
  boolean admitsPort(int port) {
    // Indexed: routing asks this per request, and an iterator would be an allocation.
    for (int i = 0, n = matches.size(); i < n; i++) {
      if (matches.get(i).admitsPort(port)) {
        return true;
      }
    }
    return false;
  }

  /** RE2 substitutions write groups as {@code \1}; RE2/J's replaceAll expects {@code $1}. */
  static String toJavaReplacement(String rewrite) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rewrite.length(); i++) {
      char c = rewrite.charAt(i);
      if (c == '\\' && i + 1 < rewrite.length() && Character.isDigit(rewrite.charAt(i + 1))) {
        sb.append('$').append(rewrite.charAt(++i));
      } else if (c == '\\' && i + 1 < rewrite.length() && rewrite.charAt(i + 1) == '\\') {
        sb.append("\\\\");
        i++;
      } else if (c == '$') {
        sb.append("\\$");
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    String where = virtualService == null ? "" : virtualService.metadata().qualifiedName() + " ";
    return where + label + (config.name() == null ? "" : " (" + dev.mesh4j.core.internal.common.Quoting.escape(config.name()) + ")");
  }
}
