package dev.mesh4j.benchmarks;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one routing decision: host lookup, VirtualService match (header and path
 * conditions that fail and one that holds), weighted pick over subsets, endpoint pick and the
 * upstream request handed to the transport — with 1,000 VirtualServices over 1,000 endpoints.
 * The transport is a no-op, so this is the engine's share of a request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteDecisionBenchmark {

  @Param({"1000"})
  int services;

  Mesh mesh;
  MeshRequest[] requests;
  int next;
  final NoopExchange exchange = new NoopExchange();

  @Setup(Level.Trial)
  public void setUp() {
    ServiceRegistry registry = new ServiceRegistry();
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < services; i++) {
      String name = "svc-" + i;
      // 1,000 endpoints in all: one per service, versions alternating.
      registry.register(name, 8080, new Endpoint("10.0." + (i / 250) + "." + (i % 250), 8080,
          java.util.Map.of("version", i % 2 == 0 ? "v1" : "v2"), 1, null));
      yaml.append("""
          apiVersion: networking.istio.io/v1
          kind: DestinationRule
          metadata: {name: %1$s}
          spec:
            host: %1$s
            subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
          ---
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: %1$s}
          spec:
            hosts: [%1$s]
            http:
            - match: [{headers: {end-user: {exact: jason}}}]
              route: [{destination: {host: %1$s, subset: v2}}]
            - match: [{uri: {prefix: /admin}}, {queryParams: {debug: {exact: "1"}}}]
              route: [{destination: {host: %1$s, subset: v2}}]
            - match: [{uri: {regex: '/api/v[0-9]+/.*'}}]
              route:
              - {destination: {host: %1$s, subset: v1}, weight: 90}
              - {destination: {host: %1$s, subset: v2}, weight: 10}
            - route: [{destination: {host: %1$s, subset: v1}}]
          ---
          """.formatted(name));
    }
    mesh = Mesh.builder().registry(registry).configYaml(yaml.toString())
        .random(RandomSource.threadLocal()).dnsRefreshInterval(java.time.Duration.ZERO).build();
    requests = new MeshRequest[1024];
    java.util.Random r = new java.util.Random(1);
    for (int i = 0; i < requests.length; i++) {
      requests[i] = MeshRequest.builder("http://svc-" + r.nextInt(services) + ":8080/api/v1/items/" + i)
          .header("end-user", "user-" + i).header("accept", "application/json").build();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    mesh.close();
  }

  @Benchmark
  public Object decide() throws IOException {
    MeshRequest request = requests[next++ & (requests.length - 1)];
    return mesh.execute(request, exchange);
  }

  /** A transport that returns what it is asked to send. */
  static final class NoopExchange implements Exchange<Object> {
    @Override
    public Object send(UpstreamRequest request) {
      return request;
    }

    @Override
    public int status(Object response) {
      return response instanceof LocalReply r ? r.status() : 200;
    }

    @Override
    public String header(Object response, String name) {
      return null;
    }

    @Override
    public void discard(Object response) {}

    @Override
    public UpstreamFailure classify(IOException failure) {
      return UpstreamFailure.RETHROW;
    }

    @Override
    public Object whenComplete(Object response, Runnable onComplete) {
      onComplete.run();
      return response;
    }

    @Override
    public Object reply(LocalReply reply) {
      return reply;
    }

    @Override
    public Object mutateResponse(Object response, HeaderMutation mutation) {
      return response;
    }
  }
}
