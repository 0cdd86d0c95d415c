package dev.mesh4j.okhttp;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.testing.MeshCa;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What each attempt to an {@code ISTIO_MUTUAL} (or auto mTLS) endpoint costs the OkHttp transport
 * to find its TLS context — the socket factory presenting the workload identity, the trust
 * manager and verifier — once the context exists: the settings, SNI and identity the engine hands
 * over are the cluster's own objects, as in a running mesh. Three clusters of the mesh are looked
 * up in turn, so the lookup is not a one-entry cache hit. In package {@code dev.mesh4j.okhttp} to
 * reach the package-private {@code TlsContexts}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IstioTlsContextBenchmark {
  private static final String[] SERVICES = {"reviews", "ratings", "details"};

  TlsContexts contexts;
  WorkloadIdentity identity;
  ClientTlsSettings[] settings;
  int next;

  @Setup
  public void setUp() throws SSLException {
    MeshCa ca = MeshCa.create("cluster.local");
    identity = ca.issue("spiffe://cluster.local/ns/default/sa/bookinfo-productpage").identity();
    contexts = new TlsContexts(Ticker.system());
    settings = new ClientTlsSettings[SERVICES.length];
    for (int i = 0; i < SERVICES.length; i++) {
      // As Cluster.istioMutual builds them: the service's identities, its host as the SNI.
      settings[i] = ClientTlsSettings.builder().mode(ClientTlsSettings.TlsMode.ISTIO_MUTUAL)
          .sni(SERVICES[i] + ".default.svc.cluster.local")
          .subjectAltNames("spiffe://cluster.local/ns/default/sa/bookinfo-" + SERVICES[i]).build();
      contexts.istio(settings[i], settings[i].sni(), identity);
    }
  }

  /** One attempt's lookup: the context for the next cluster's settings, SNI and the identity. */
  @Benchmark
  public Object istioContext() throws SSLException {
    ClientTlsSettings s = settings[next];
    next = next == SERVICES.length - 1 ? 0 : next + 1;
    return contexts.istio(s, s.sni(), identity);
  }
}
