package dev.mesh4j.benchmarks.kubernetes;

import dev.mesh4j.core.internal.config.ConfigSource.SourceText;
import dev.mesh4j.core.internal.config.ManifestReader;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * What one VirtualService watched from the Kubernetes API costs the mesh to read: the Kubernetes
 * source hands each Istio object over as the JSON fabric8 writes for it, as a single-document
 * manifest, and the mesh parses and decodes it ({@link ManifestReader#read}, then validation). At
 * 10,000 VirtualServices the initial sync does this 10,000 times.
 *
 * <ul>
 *   <li>{@code read}: the mesh's part — parse the JSON document and decode the VirtualService.
 *   <li>{@code serializeAndRead}: the source's part too — fabric8's object (as its informer decodes
 *       it) written as JSON, then read.
 * </ul>
 *
 * <p>The object is {@link KubernetesScale}'s VirtualService (three routes) with the metadata an API
 * server adds (uid, resourceVersion, generation, creationTimestamp).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WatchedManifestBenchmark {
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private GenericKubernetesResource object;
  private String json;

  @Setup
  public void setUp() {
    object = KubernetesScale.virtualService(4321, 7);
    object.getMetadata().setUid("9b2f6a0c-3c1e-4d0e-9a57-1d2c3b4a5f60");
    object.getMetadata().setResourceVersion("123456");
    object.getMetadata().setGeneration(3L);
    object.getMetadata().setCreationTimestamp("2026-12-03T18:00:00Z");
    json = serialization.asJson(object);
    List<ManifestReader.Decoded> decoded = read();
    if (decoded.size() != 1 || decoded.get(0).resources().size() != 1 || decoded.get(0).hasErrors()) {
      throw new IllegalStateException("not one valid VirtualService: " + decoded);
    }
  }

  @Benchmark
  public List<ManifestReader.Decoded> read() {
    return ManifestReader.read(new SourceText("kubernetes", json, false), "default");
  }

  @Benchmark
  public List<ManifestReader.Decoded> serializeAndRead() {
    return ManifestReader.read(new SourceText("kubernetes", serialization.asJson(object), false), "default");
  }
}
