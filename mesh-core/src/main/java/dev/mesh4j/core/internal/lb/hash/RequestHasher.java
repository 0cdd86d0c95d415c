package dev.mesh4j.core.internal.lb.hash;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.http.MeshRequest;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Computes a request's consistent-hash key the way Envoy's route hash policies do
 * ({@code source/common/http/hash_policy.cc}), for the hash policies Istio puts on a route
 * ({@code pilot/pkg/networking/core/route/route.go} {@code ConsistentHashToHashPolicy}).
 *
 * <ul>
 *   <li>{@code httpHeaderName} ({@code HeaderHashMethod}): XXH64 of the header value; absent
 *       header, no hash. Pseudo-headers {@code :authority}, {@code :method}, {@code :path} and
 *       {@code :scheme} read the request line. The engine's view joins repeated header fields
 *       with {@code ","}, so a header sent several times is hashed as that joined string
 *       (Envoy sorts the values and hashes them without separator); a single field, the usual
 *       case, hashes exactly as Envoy.
 *   <li>{@code httpCookie} ({@code CookieHashMethod}): XXH64 of the cookie value (see
 *       {@link Cookies#value}). Missing or empty and {@code ttl} set: a cookie is generated,
 *       hashed, and returned as a {@code Set-Cookie} value; without {@code ttl}, no hash.
 *       <b>mesh4j:</b> Envoy derives the 16 hex digits from the connection's addresses; there
 *       is no downstream connection in-process, so they come from the {@link RandomSource}
 *       (SPEC §5). Only the format matters for stickiness: from the next request on, Envoy and
 *       mesh4j hash the cookie value the same way.
 *   <li>{@code useSourceIp} ({@code IpHashMethod}): XXH64 of the source IP text, no port. An
 *       in-process client has one source address, the workload's ({@link #sourceIp}); like a
 *       sidecar, this pins the whole workload to one endpoint.
 *   <li>{@code httpQueryParameterName} ({@code QueryParameterHashMethod}): XXH64 of the first
 *       raw value of the parameter ({@code ""} for {@code ?name}); absent, no hash.
 * </ul>
 *
 * <p>Several policies combine as {@code HashPolicyImpl::generateHash}: each policy that yields
 * a hash {@code h} turns the running value into {@code rotl64(acc, 1) ^ h}; policies without
 * a value are skipped. Istio appends one policy per hashed destination of a weighted route, so
 * duplicates are possible and change the result ({@code rotl(h,1) ^ h}).
 *
 * <p>Immutable and thread-safe; build one per route (or per cluster) off the request path.
 */
public final class RequestHasher {
  private final List<Method> methods;

  private RequestHasher(List<Method> methods) {
    this.methods = List.copyOf(methods);
  }

  /**
   * The hasher for a cluster's load-balancer settings, or null when they ask for no hash key
   * (no {@code consistentHash}, or one naming only the ring/table, or {@code useSourceIp:
   * false}): then requests are not hashed and the consistent-hash balancer picks at random.
   *
   * @param sourceIp the address {@code useSourceIp} hashes; see {@link #sourceIp(Workload)}
   */
  public static @Nullable RequestHasher of(@Nullable LoadBalancerSettings settings, String sourceIp) {
    if (settings == null || settings.consistentHash() == null) {
      return null;
    }
    return of(List.of(settings.consistentHash()), sourceIp);
  }

  /**
   * The hasher for a route whose hash policies come from these consistent-hash settings, in
   * route order (Envoy's {@code RouteAction.hash_policy} list), or null when none yields a
   * policy.
   */
  public static @Nullable RequestHasher of(List<ConsistentHashLb> policies, String sourceIp) {
    requireNonNull(sourceIp, "sourceIp");
    List<Method> methods = new ArrayList<>();
    for (ConsistentHashLb p : policies) {
      if (p.httpHeaderName() != null) {
        methods.add(new Header(p.httpHeaderName().toLowerCase(Locale.ROOT)));
      } else if (p.httpCookie() != null) {
        methods.add(new Cookie(p.httpCookie()));
      } else if (p.useSourceIp()) {
        methods.add(new Constant(XxHash64.hash(sourceIp)));
      } else if (p.httpQueryParameterName() != null) {
        methods.add(new Query(p.httpQueryParameterName()));
      }
    }
    return methods.isEmpty() ? null : new RequestHasher(methods);
  }

  /**
   * The source address {@code useSourceIp} hashes for this workload: {@link Workload#ip()}
   * when set. Otherwise (<b>mesh4j:</b> default) the local host's address when it is an IPv4
   * address that is not loopback (in a Kubernetes pod, the pod IP, which is what the pod's
   * sidecar hashes), else {@code 127.0.0.1} (consistent within this process only). Looked up
   * once, off the request path; the lookup may consult the resolver.
   */
  public static String sourceIp(Workload workload) {
    if (workload.ip() != null) {
      return workload.ip();
    }
    try {
      InetAddress local = InetAddress.getLocalHost();
      if (local instanceof Inet4Address && !local.isLoopbackAddress()) {
        return local.getHostAddress();
      }
    } catch (UnknownHostException e) {
      // No resolvable host name: fall through to loopback.
    }
    return "127.0.0.1";
  }

  /**
   * Hashes one request. Call once per request and reuse the result for every attempt.
   *
   * @param random used only to generate a missing cookie
   */
  public RequestHash hash(MeshRequest request, RandomSource random) {
    boolean present = false;
    long acc = 0;
    Generated generated = null;
    for (Method m : methods) {
      String value;
      if (m instanceof Constant k) {
        acc = present ? Long.rotateLeft(acc, 1) ^ k.hash : k.hash;
        present = true;
        continue;
      } else if (m instanceof Header hd) {
        value = header(request, hd.name);
      } else if (m instanceof Query q) {
        value = request.queryParameter(q.name);
      } else {
        ConsistentHashLb.HttpCookie cookie = ((Cookie) m).cookie;
        value = Cookies.value(request.header("cookie"), cookie.name());
        if ((value == null || value.isEmpty()) && cookie.ttl() != null) {
          generated = generated == null ? new Generated() : generated;
          value = generated.valueFor(cookie, random);
        } else if (value != null && value.isEmpty()) {
          value = null; // Envoy treats an empty cookie as absent
        }
      }
      if (value == null) {
        continue; // no value: the accumulator is neither rotated nor changed
      }
      long h = XxHash64.hash(value);
      acc = present ? Long.rotateLeft(acc, 1) ^ h : h;
      present = true;
    }
    if (!present) {
      return RequestHash.NONE;
    }
    return new RequestHash(true, acc, generated == null ? List.of() : generated.setCookies);
  }

  private static @Nullable String header(MeshRequest request, String name) {
    if (name.isEmpty() || name.charAt(0) != ':') {
      return request.header(name);
    }
    return switch (name) {
      case ":authority" -> request.authority();
      case ":method" -> request.method();
      case ":scheme" -> request.scheme();
      case ":path" -> request.rawQuery() == null
          ? request.path() : request.path() + "?" + request.rawQuery();
      default -> request.header(name);
    };
  }

  @Override
  public String toString() {
    return "RequestHasher" + methods;
  }

  /** One hash policy. */
  private sealed interface Method permits Header, Cookie, Constant, Query {}

  private record Header(String name) implements Method {}

  private record Cookie(ConsistentHashLb.HttpCookie cookie) implements Method {}

  /** A policy whose value is the same for every request: the workload's source IP. */
  private record Constant(long hash) implements Method {}

  private record Query(String name) implements Method {}

  /** Cookies generated while hashing one request. */
  private static final class Generated {
    final List<String> names = new ArrayList<>(1);
    final List<String> values = new ArrayList<>(1);
    final List<String> setCookies = new ArrayList<>(1);

    String valueFor(ConsistentHashLb.HttpCookie cookie, RandomSource random) {
      int seen = names.indexOf(cookie.name());
      if (seen >= 0) {
        // A duplicate policy (Istio's weighted routes) reuses this request's cookie, as
        // Envoy's per-connection value would be the same; one Set-Cookie is enough.
        return values.get(seen);
      }
      String value = Cookies.toHex(random.nextLong());
      names.add(cookie.name());
      values.add(value);
      setCookies.add(Cookies.setCookie(cookie.name(), value, cookie.path(),
          requireNonNull(cookie.ttl(), "ttl"), cookie.attributes()));
      return value;
    }
  }
}
