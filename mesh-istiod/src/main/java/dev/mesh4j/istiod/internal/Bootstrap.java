package dev.mesh4j.istiod.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An xDS bootstrap file as Istio's agent writes it for proxyless gRPC
 * ({@code pkg/istio-agent/grpcxds/grpc_bootstrap.go}, the file {@code GRPC_XDS_BOOTSTRAP} names):
 * the first of {@code xds_servers} (its {@code server_uri} and first {@code channel_creds}) and
 * the {@code node}.
 *
 * @param serverUri where istiod is: {@code unix:///etc/istio/proxy/XDS} (the agent) or {@code host:port}
 * @param credentials {@code insecure} or {@code tls}
 * @param caCertificateFile the CA of {@code tls} credentials ({@code config.ca_certificate_file}), or null
 * @param node the node to send, or null to derive it from the workload
 */
public record Bootstrap(String serverUri, String credentials, @Nullable Path caCertificateFile, @Nullable Node node) {

  /** Reads a bootstrap file; the message names the file and what is wrong. */
  public static Bootstrap read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("xDS bootstrap " + file + ": cannot read it: " + e.getMessage(), e);
    }
    return parse(file.toString(), text);
  }

  /** Reads bootstrap JSON; {@code name} names it in messages. */
  public static Bootstrap parse(String name, String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("xDS bootstrap " + name + ": not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("xDS bootstrap " + name + ": expected a JSON object");
    }
    JsonNode servers = root.path("xds_servers");
    if (!servers.isArray() || servers.isEmpty()) {
      throw new IllegalArgumentException("xDS bootstrap " + name + " xds_servers: expected at least one server");
    }
    JsonNode server = servers.get(0);
    String uri = server.path("server_uri").asText("");
    if (uri.isEmpty()) {
      throw new IllegalArgumentException("xDS bootstrap " + name + " xds_servers[0].server_uri: missing");
    }
    String creds = "insecure";
    Path ca = null;
    JsonNode channelCreds = server.path("channel_creds");
    if (channelCreds.isArray() && !channelCreds.isEmpty()) {
      creds = channelCreds.get(0).path("type").asText("insecure");
      String caFile = channelCreds.get(0).path("config").path("ca_certificate_file").asText("");
      ca = caFile.isEmpty() ? null : Path.of(caFile);
    }
    if (!creds.equals("insecure") && !creds.equals("tls")) {
      throw new IllegalArgumentException("xDS bootstrap " + name + " xds_servers[0].channel_creds[0].type: \""
          + creds + "\" (mesh4j supports insecure and tls)");
    }
    Node node = null;
    JsonNode n = root.path("node");
    if (n.isObject()) {
      Node.Builder b = Node.newBuilder().setId(n.path("id").asText("")).setCluster(n.path("cluster").asText(""));
      JsonNode locality = n.path("locality");
      if (locality.isObject()) {
        b.setLocality(Locality.newBuilder().setRegion(locality.path("region").asText(""))
            .setZone(locality.path("zone").asText("")).setSubZone(locality.path("sub_zone").asText("")));
      }
      if (n.path("metadata").isObject()) {
        b.setMetadata(struct(n.path("metadata")));
      }
      node = b.build();
    }
    return new Bootstrap(uri, creds, ca, node);
  }

  private static Struct struct(JsonNode object) {
    Struct.Builder s = Struct.newBuilder();
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      s.putFields(f.getKey(), value(f.getValue()));
    }
    return s.build();
  }

  private static Value value(JsonNode v) {
    if (v.isObject()) {
      return Value.newBuilder().setStructValue(struct(v)).build();
    }
    if (v.isArray()) {
      ListValue.Builder l = ListValue.newBuilder();
      v.forEach(e -> l.addValues(value(e)));
      return Value.newBuilder().setListValue(l).build();
    }
    if (v.isBoolean()) {
      return Value.newBuilder().setBoolValue(v.asBoolean()).build();
    }
    if (v.isNumber()) {
      return Value.newBuilder().setNumberValue(v.asDouble()).build();
    }
    if (v.isNull()) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    }
    return Value.newBuilder().setStringValue(v.asText()).build();
  }
}
