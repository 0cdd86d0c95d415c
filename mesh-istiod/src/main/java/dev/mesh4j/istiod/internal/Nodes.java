package dev.mesh4j.istiod.internal;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.mesh4j.api.runtime.Workload;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The node a proxyless client sends istiod, as Istio's agent writes it into the gRPC bootstrap:
 * id {@code sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.<domain>} and metadata
 * {@code GENERATOR=grpc} (istiod's gRPC generator answers), {@code NAMESPACE}, {@code LABELS}
 * (what {@code sourceLabels} and {@code workloadSelector}s are matched against), {@code CLUSTER_ID},
 * {@code INSTANCE_IPS}, {@code SERVICE_ACCOUNT} and {@code WORKLOAD_NAME}.
 */
public final class Nodes {
  private Nodes() {}

  /** The node of {@code workload}; {@code id} and {@code extra} metadata override it. */
  public static Node of(Workload workload, @Nullable String id, Map<String, String> extra) {
    String ip = workload.ip() != null ? workload.ip() : "127.0.0.1";
    String pod = workload.name() != null ? workload.name() : "mesh4j";
    String ns = workload.namespace();
    Struct.Builder labels = Struct.newBuilder();
    workload.labels().forEach((k, v) -> labels.putFields(k, string(v)));
    Struct.Builder meta = Struct.newBuilder()
        .putFields("GENERATOR", string("grpc"))
        .putFields("NAMESPACE", string(ns))
        .putFields("LABELS", Value.newBuilder().setStructValue(labels).build())
        .putFields("CLUSTER_ID", string(workload.clusterId()))
        .putFields("INSTANCE_IPS", string(ip))
        .putFields("SERVICE_ACCOUNT", string(workload.serviceAccount()))
        .putFields("WORKLOAD_NAME", string(pod));
    extra.forEach((k, v) -> meta.putFields(k, string(v)));
    return Node.newBuilder()
        .setId(id != null ? id : "sidecar~" + ip + "~" + pod + "." + ns + "~" + ns + ".svc." + workload.domainSuffix())
        .setMetadata(meta)
        .build();
  }

  /** A node from a bootstrap file, made to ask istiod's gRPC generator if it does not already. */
  public static Node fromBootstrap(Node node) {
    if (node.getMetadata().getFieldsMap().containsKey("GENERATOR")) {
      return node;
    }
    return node.toBuilder().setMetadata(node.getMetadata().toBuilder().putFields("GENERATOR", string("grpc"))).build();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
