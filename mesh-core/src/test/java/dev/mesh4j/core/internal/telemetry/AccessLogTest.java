package dev.mesh4j.core.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.testing.FakeSleeper;
import dev.mesh4j.core.testing.RecordingExchange;
import dev.mesh4j.core.testing.RecordingListener;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Envoy's default access-log format. */
class AccessLogTest {

  @Test
  void oneLineInEnvoysDefaultFormat() throws IOException {
    RecordingListener recorder = new RecordingListener();
    FakeSleeper sleeper = new FakeSleeper();
    try (Mesh mesh = Mesh.builder()
        .registry(new ServiceRegistry().register("reviews", 9080, Endpoint.of("10.0.0.2", 9080)))
        .configYaml("""
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
              - fault: {delay: {fixedDelay: 12ms, percentage: {value: 100}}}
                route: [{destination: {host: reviews}}]
            """)
        .clock(Clock.fixed(Instant.parse("2016-04-15T20:17:00.310Z"), ZoneOffset.UTC))
        .ticker(sleeper).sleeper(sleeper)
        .accessLog(true)
        .listener(recorder)
        .build()) {
      mesh.execute(MeshRequest.builder("http://reviews:9080/reviews/1?x=1").header("x-request-id", "rid-1")
          .header("user-agent", "okhttp/5.5.1").build(), new RecordingExchange());
      assertThat(AccessLog.line(recorder.lastCall())).isEqualTo("[2016-04-15T20:17:00.310Z] "
          + "\"GET /reviews/1?x=1 HTTP/1.1\" 200 DI 0 0 12 0 \"-\" \"okhttp/5.5.1\" \"rid-1\" \"reviews:9080\" \"10.0.0.2:9080\"");

      mesh.registry().register("reviews", 9080);
      mesh.execute(MeshRequest.builder("http://reviews:9080/").header("x-request-id", "rid-2").build(),
          new RecordingExchange());
      assertThat(AccessLog.line(recorder.lastCall())).isEqualTo("[2016-04-15T20:17:00.310Z] "
          + "\"GET / HTTP/1.1\" 503 DI,UH 0 0 12 - \"-\" \"-\" \"rid-2\" \"reviews:9080\" \"-\"");
    }
  }
}
