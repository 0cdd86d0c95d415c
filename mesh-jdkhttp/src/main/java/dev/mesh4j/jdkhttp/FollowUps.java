package dev.mesh4j.jdkhttp;

import java.io.IOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import org.jspecify.annotations.Nullable;

/**
 * Redirects and authentication challenges, as the JDK client follows them (its
 * {@code RedirectFilter} and {@code AuthenticationFilter}), but above the mesh: each next request
 * goes through the mesh again, with the logical URL — as every request from a pod goes through its
 * sidecar. The JDK clients below the mesh follow nothing themselves.
 *
 * <ul>
 *   <li>Redirects as the client's {@link HttpClient#followRedirects()} says: 301, 302, 303, 307 and
 *       308 with a {@code Location}, resolved against the logical URL ({@code NORMAL} never goes
 *       from https to http); 303 (and 301/302 of a {@code POST}) becomes a {@code GET} without
 *       body; across origins {@code Authorization}, {@code Cookie}, {@code Origin},
 *       {@code Referer} and {@code Host} are not sent on; at most
 *       {@code jdk.httpclient.redirects.retrylimit} (5) responses per request, the last returned.
 *   <li>A 401 with a {@code Basic} challenge is answered with the client's
 *       {@link Authenticator}, asked for the logical host, unless the application set
 *       {@code Authorization} itself; a rejected answer is retried up to
 *       {@code jdk.httpclient.auth.retrylimit} (3) times. Credentials are not cached between
 *       requests (the JDK sends them preemptively to paths it saw accepted).
 * </ul>
 *
 * One per application request; not thread-safe.
 */
final class FollowUps {
  static final int MAX_REDIRECTS = Integer.getInteger("jdk.httpclient.redirects.retrylimit", 5);
  static final int AUTH_RETRY_LIMIT = Integer.getInteger("jdk.httpclient.auth.retrylimit", 3);

  /** Not sent on to another origin (the JDK's {@code Utils.ALLOWED_REDIRECT_HEADERS}). */
  private static final Set<String> CROSS_ORIGIN_DROPPED = caseInsensitive("Authorization", "Cookie", "Origin",
      "Referer", "Host");

  private final MeshedHttpClient.Settings settings;
  private final boolean applicationAuthorization;
  private int redirects;
  private int authAttempts;

  FollowUps(MeshedHttpClient.Settings settings, HttpRequest original) {
    this.settings = settings;
    this.applicationAuthorization = original.headers().firstValue("Authorization").isPresent();
  }

  private static Set<String> caseInsensitive(String... names) {
    Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    set.addAll(List.of(names));
    return set;
  }

  /** The next request for a redirect or a challenge, or null when the response goes to the application. */
  @Nullable HttpRequest next(JdkResponse response, HttpRequest hop) throws IOException {
    if (response.status == 401) {
      return authenticate(response, hop);
    }
    return redirect(response, hop);
  }

  private @Nullable HttpRequest redirect(JdkResponse response, HttpRequest hop) {
    HttpClient.Redirect policy = settings.followRedirects();
    int code = response.status;
    if (policy == HttpClient.Redirect.NEVER || !isRedirect(code)) {
      return null;
    }
    String location = response.headers().firstValue("Location").orElse(null);
    if (location == null) {
      return null;
    }
    URI target;
    try {
      target = hop.uri().resolve(URI.create(location));
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (target.getScheme() == null || target.getHost() == null) {
      return null;
    }
    boolean allowed = policy == HttpClient.Redirect.ALWAYS
        || target.getScheme().equalsIgnoreCase(hop.uri().getScheme()) || target.getScheme().equalsIgnoreCase("https");
    if (!allowed || ++redirects >= MAX_REDIRECTS) {
      return null;
    }
    String method = redirectedMethod(code, hop.method());
    boolean sameOrigin = target.getScheme().equalsIgnoreCase(hop.uri().getScheme())
        && target.getRawAuthority().equals(hop.uri().getRawAuthority());
    BiPredicate<String, String> headers = sameOrigin ? (n, v) -> true : (n, v) -> !CROSS_ORIGIN_DROPPED.contains(n);
    HttpRequest.Builder next = HttpRequest.newBuilder(hop, headers).uri(target);
    if (!method.equals(hop.method()) || code == 303) {
      if (method.equals("GET")) {
        next.GET();
      } else {
        next.method(method, HttpRequest.BodyPublishers.noBody());
      }
    }
    return next.build();
  }

  static boolean isRedirect(int code) {
    return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
  }

  private static String redirectedMethod(int code, String method) {
    return switch (code) {
      case 301, 302 -> method.equals("POST") ? "GET" : method;
      case 303 -> "GET";
      default -> method;
    };
  }

  private @Nullable HttpRequest authenticate(JdkResponse response, HttpRequest hop) throws IOException {
    Authenticator authenticator = settings.authenticator().orElse(null);
    if (authenticator == null || applicationAuthorization) {
      return null;
    }
    List<String> challenges = response.headers().allValues("WWW-Authenticate");
    if (challenges.isEmpty()) {
      throw new IOException("WWW-Authenticate header missing for response code 401");
    }
    Challenge basic = null;
    for (String c : challenges) {
      basic = Challenge.basic(c);
      if (basic != null) {
        break;
      }
    }
    if (basic == null) {
      return null;
    }
    if (++authAttempts > AUTH_RETRY_LIMIT) {
      throw new IOException("too many authentication attempts. Limit: " + AUTH_RETRY_LIMIT);
    }
    URI uri = hop.uri();
    PasswordAuthentication pw = authenticator.requestPasswordAuthenticationInstance(uri.getHost(), null,
        uri.getPort(), uri.getScheme(), basic.realm(), "Basic", uri.toURL(), Authenticator.RequestorType.SERVER);
    if (pw == null) {
      throw new IOException("No credentials provided");
    }
    Charset charset = basic.utf8() ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
    String credentials = Base64.getEncoder().encodeToString(
        (pw.getUserName() + ":" + new String(pw.getPassword())).getBytes(charset));
    return HttpRequest.newBuilder(hop, (n, v) -> !n.equalsIgnoreCase("Authorization"))
        .header("Authorization", "Basic " + credentials).build();
  }

  /** A {@code Basic} challenge: its realm and whether it asks for UTF-8 ({@code charset="UTF-8"}). */
  record Challenge(@Nullable String realm, boolean utf8) {
    /** The challenge, when {@code value} is a {@code Basic} one. */
    static @Nullable Challenge basic(String value) {
      String v = value.trim();
      int space = v.indexOf(' ');
      String scheme = space < 0 ? v : v.substring(0, space);
      if (!scheme.equalsIgnoreCase("Basic")) {
        return null;
      }
      String params = space < 0 ? "" : v.substring(space + 1);
      String charset = param(params, "charset");
      return new Challenge(param(params, "realm"), charset != null && charset.equalsIgnoreCase("UTF-8"));
    }

    /** A parameter's value ({@code name=token} or {@code name="quoted"}), or null. */
    private static @Nullable String param(String params, String name) {
      String lower = params.toLowerCase(Locale.ROOT);
      int i = 0;
      while ((i = lower.indexOf(name, i)) >= 0) {
        boolean start = i == 0 || lower.charAt(i - 1) == ' ' || lower.charAt(i - 1) == ',';
        int eq = i + name.length();
        while (eq < params.length() && params.charAt(eq) == ' ') {
          eq++;
        }
        if (start && eq < params.length() && params.charAt(eq) == '=') {
          int from = eq + 1;
          while (from < params.length() && params.charAt(from) == ' ') {
            from++;
          }
          if (from < params.length() && params.charAt(from) == '"') {
            int end = params.indexOf('"', from + 1);
            return params.substring(from + 1, end < 0 ? params.length() : end);
          }
          int end = from;
          while (end < params.length() && params.charAt(end) != ',' && params.charAt(end) != ' ') {
            end++;
          }
          return params.substring(from, end);
        }
        i = eq;
      }
      return null;
    }
  }
}
