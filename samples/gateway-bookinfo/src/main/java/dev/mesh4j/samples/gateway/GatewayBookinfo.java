package dev.mesh4j.samples.gateway;

import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.MeshConfig;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bookinfo's front door, in one process: two productpage pods (v1 and v2) on loopback, a mesh
 * acting as {@code bookinfo-gateway} with Istio's {@code bookinfo-gateway.yaml} and the productpage
 * canary applied over it, and the {@link EdgeGateway} browsers talk to.
 */
public final class GatewayBookinfo implements Closeable {
  /** The gateway this edge acts as, as the VirtualService's {@code gateways:} names it. */
  public static final String GATEWAY = "bookinfo-gateway";

  private final ProductpagePod v1;
  private final ProductpagePod v2;
  private final Mesh mesh;
  private final EdgeGateway edge;

  private GatewayBookinfo(ProductpagePod v1, ProductpagePod v2, Mesh mesh, EdgeGateway edge) {
    this.v1 = v1;
    this.v2 = v2;
    this.mesh = mesh;
    this.edge = edge;
  }

  /**
   * Istio's {@code bookinfo-gateway.yaml} with the canary VirtualService and productpage's subsets
   * applied over it: a resource of the same kind and name replaces the earlier one, as
   * {@code kubectl apply} does.
   */
  public static MeshConfig config() {
    MeshConfig config = manifest("bookinfo-gateway.yaml");
    config = applied(config, manifest("virtual-service-bookinfo-canary.yaml"));
    return applied(config, manifest("destination-rule-productpage.yaml"));
  }

  /** {@code change} applied over {@code base}: same kind and name replaces, the rest is added. */
  public static MeshConfig applied(MeshConfig base, MeshConfig change) {
    Set<String> replaced = new HashSet<>();
    for (IstioResource r : change.resources()) {
      replaced.add(r.kind() + " " + r.metadata().qualifiedName());
    }
    List<IstioResource> kept = new ArrayList<>();
    for (IstioResource r : base.resources()) {
      if (!replaced.contains(r.kind() + " " + r.metadata().qualifiedName())) {
        kept.add(r);
      }
    }
    return MeshConfig.builder().addAll(kept).addAll(change.resources()).build();
  }

  /**
   * Starts the pods, the mesh (configuration {@code config}, weighted picks from {@code random})
   * and the edge on loopback port {@code port} (0: a free one).
   */
  public static GatewayBookinfo start(MeshConfig config, RandomSource random, int port) throws IOException {
    ProductpagePod v1 = ProductpagePod.start("v1");
    ProductpagePod v2 = null;
    Mesh mesh = null;
    try {
      v2 = ProductpagePod.start("v2");
      ServiceRegistry registry = new ServiceRegistry().register("productpage", 9080, v1.endpoint(), v2.endpoint());
      mesh = Mesh.builder().config(config).registry(registry).random(random)
          .namespace("default").workloadName("istio-ingressgateway").workloadLabel("istio", "ingressgateway")
          .gateways(GATEWAY).build();
      EdgeGateway edge = EdgeGateway.start(mesh, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return new GatewayBookinfo(v1, v2, mesh, edge);
    } catch (IOException | RuntimeException e) {
      if (mesh != null) {
        mesh.close();
      }
      if (v2 != null) {
        v2.close();
      }
      v1.close();
      throw e;
    }
  }

  static MeshConfig manifest(String name) {
    try (InputStream in = GatewayBookinfo.class.getResourceAsStream("/gateway/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no classpath resource gateway/" + name);
      }
      return MeshConfig.fromYaml("gateway/" + name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ProductpagePod v1() {
    return v1;
  }

  public ProductpagePod v2() {
    return v2;
  }

  public Mesh mesh() {
    return mesh;
  }

  public EdgeGateway edge() {
    return edge;
  }

  @Override
  public void close() {
    edge.close();
    mesh.close();
    v1.close();
    v2.close();
  }
}
