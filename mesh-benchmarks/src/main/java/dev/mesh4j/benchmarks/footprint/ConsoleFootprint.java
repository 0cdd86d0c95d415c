package dev.mesh4j.benchmarks.footprint;

import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.benchmarks.ConsoleListenerBenchmark;
import dev.mesh4j.benchmarks.NoopExchange;
import dev.mesh4j.console.MeshConsole;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * The console's memory and the size of its JSON: {@link MeshConsole} keeps rolling one-minute
 * windows per service, cluster and version, route and destination, and egress host, each map
 * admitting a fixed number of keys (later ones share an overflow entry), and a timeline of 200
 * decisions. This drives a mesh past every one of those limits — 250 services each with two
 * versions of its own and three named routes, 150 passthrough hosts, retries enough to fill the
 * timeline — and measures what the console's listener then holds ({@link ReachableSize}, not
 * counting the mesh it reads), and the size of {@code …/state} for that mesh and for bookinfo's
 * reviews canary.
 */
public final class ConsoleFootprint {
  static {
    System.setProperty("jol.magicFieldOffset", "true");
  }

  /**
   * What one measurement found.
   *
   * @param emptyBytes the console's listener before any request
   * @param saturatedBytes the listener after traffic past every limit
   * @param saturatedStateBytes {@code …/state} for that traffic
   * @param bookinfoStateBytes {@code …/state} for the reviews canary after 1,000 requests
   */
  public record Result(long emptyBytes, long saturatedBytes, long saturatedStateBytes, long bookinfoStateBytes) {}

  private ConsoleFootprint() {}

  public static void main(String[] args) throws Exception {
    System.out.println(render(measure(250, 150)));
  }

  static String render(Result r) {
    return String.format(Locale.ROOT, """
        | console | bytes |
        |---|---|
        | listener, before any request | %,d |
        | listener, every limit exceeded (250 services × 2 versions × 3 routes, 150 egress hosts, full timeline) | %,d |
        | `state` JSON, that traffic | %,d |
        | `state` JSON, bookinfo reviews canary (3 versions) | %,d |
        """, r.emptyBytes(), r.saturatedBytes(), r.saturatedStateBytes(), r.bookinfoStateBytes());
  }

  static Result measure(int services, int egressHosts) throws Exception {
    long empty;
    long saturated;
    long saturatedState;
    try (Mesh mesh = synthetic(services); MeshConsole console = MeshConsole.attach(mesh)) {
      empty = ReachableSize.of(listener(console));
      NoopExchange ok = new NoopExchange();
      Failing failing = new Failing();
      for (int s = 0; s < services; s++) {
        for (String path : new String[] {"/a", "/b", "/c"}) {
          // Enough requests that both versions answer on each route (the balancer picks).
          for (int i = 0; i < 8; i++) {
            mesh.execute(MeshRequest.builder("http://s" + s + ":9080" + path).build(), ok);
          }
        }
        // A request that is retried: the timeline tells each retry.
        mesh.execute(MeshRequest.builder("http://s" + s + ":9080/a").build(), failing);
      }
      for (int h = 0; h < egressHosts; h++) {
        mesh.execute(MeshRequest.builder("http://egress-" + h + ".example.org/").build(), ok);
      }
      saturated = ReachableSize.of(listener(console));
      saturatedState = console.state().getBytes(StandardCharsets.UTF_8).length;
    }
    long bookinfoState;
    try (Mesh mesh = ConsoleListenerBenchmark.bookinfo(); MeshConsole console = MeshConsole.attach(mesh)) {
      NoopExchange ok = new NoopExchange();
      for (int i = 0; i < 1000; i++) {
        mesh.execute(MeshRequest.builder("http://reviews:9080/reviews/" + i).build(), ok);
      }
      bookinfoState = console.state().getBytes(StandardCharsets.UTF_8).length;
    }
    return new Result(empty, saturated, saturatedState, bookinfoState);
  }

  /** {@code services} services, each with endpoints of two versions of its own and three named routes. */
  static Mesh synthetic(int services) {
    ServiceRegistry registry = new ServiceRegistry();
    StringBuilder yaml = new StringBuilder();
    for (int s = 0; s < services; s++) {
      registry.register("s" + s, 9080, Endpoint.of("10.1." + (s / 200) + "." + (s % 200), 9080)
              .withLabel("version", "a" + s),
          Endpoint.of("10.2." + (s / 200) + "." + (s % 200), 9080).withLabel("version", "b" + s));
      yaml.append(String.format(Locale.ROOT, """
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: s%1$d}
          spec:
            hosts: [s%1$d]
            http:
            - {name: a, match: [{uri: {prefix: /a}}], route: [{destination: {host: s%1$d}}],
               retries: {attempts: 2, retryOn: 5xx}}
            - {name: b, match: [{uri: {prefix: /b}}], route: [{destination: {host: s%1$d}}]}
            - {name: c, route: [{destination: {host: s%1$d}}]}
          ---
          """, s));
    }
    return Mesh.builder().configYaml(yaml.toString()).registry(registry)
        .outboundTrafficPolicy(OutboundTrafficPolicy.ALLOW_ANY).dnsRefreshInterval(Duration.ZERO).build();
  }

  /** The console's listener: what it holds, without the mesh it reads. */
  static Object listener(MeshConsole console) throws ReflectiveOperationException {
    Field f = MeshConsole.class.getDeclaredField("stats");
    f.setAccessible(true);
    return f.get(console);
  }

  /** Every attempt answers 503. */
  static final class Failing implements Exchange<Object> {
    private static final ResponseInfo UNAVAILABLE = new ResponseInfo(503, null, 0, "HTTP/1.1");
    private final NoopExchange noop = new NoopExchange();

    @Override
    public Object send(UpstreamRequest request) {
      return request;
    }

    @Override
    public ResponseInfo view(Object response) {
      return response instanceof LocalReply ? noop.view(response) : UNAVAILABLE;
    }

    @Override
    public void discard(Object response) {}

    @Override
    public UpstreamFailure classify(IOException failure) {
      return UpstreamFailure.RETHROW;
    }

    @Override
    public Object complete(Object response, HeaderMutation headers, LongConsumer done) {
      done.accept(0);
      return response;
    }

    @Override
    public Object reply(LocalReply reply) {
      return reply;
    }
  }
}
