package dev.mesh4j.core.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.testing.IstioPeerHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Istio's {@code x-envoy-peer-metadata}: read as istio/proxy reads it, written as it writes it. */
class PeerMetadataTest {
  /** istio/proxy's {@code SampleIstioHeader}, {@link IstioPeerHeaders#PRODUCTPAGE_CLIENT}. */
  static final String SAMPLE_ISTIO_HEADER = IstioPeerHeaders.PRODUCTPAGE_CLIENT;

  @Test
  void readsIstiosOwnTestHeaderAsItsFilterDoes() {
    PeerMetadata m = PeerMetadata.decode(SAMPLE_ISTIO_HEADER);

    // What convertStructToWorkloadMetadata takes of testdata/client_node_metadata.json.tmpl.
    assertThat(m).isEqualTo(new PeerMetadata("productpage-v1-84975bc778-pxz2w", "default", "productpage-v1",
        "client-cluster", "", "productpage-v1", "version-1", "productpage", "v1"));
  }

  /** istio/proxy's encoding: convertWorkloadMetadataToStruct, then serializeToStringDeterministic. */
  static byte[] istioEncoding(PeerMetadata m) throws IOException {
    Struct.Builder labels = Struct.newBuilder();
    putIfSet(labels, "service.istio.io/canonical-name", m.canonicalService());
    putIfSet(labels, "service.istio.io/canonical-revision", m.canonicalRevision());
    putIfSet(labels, "app", m.app());
    putIfSet(labels, "version", m.version());
    Struct.Builder s = Struct.newBuilder();
    putIfSet(s, "NAME", m.instance());
    putIfSet(s, "NAMESPACE", m.namespace());
    putIfSet(s, "WORKLOAD_NAME", m.workload());
    putIfSet(s, "CLUSTER_ID", m.cluster());
    putIfSet(s, "IDENTITY", m.identity());
    s.putFields("LABELS", Value.newBuilder().setStructValue(labels).build());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    s.build().writeTo(out);
    out.flush();
    return bytes.toByteArray();
  }

  private static void putIfSet(Struct.Builder s, String key, String value) {
    if (!value.isEmpty()) {
      s.putFields(key, Value.newBuilder().setStringValue(value).build());
    }
  }

  @Test
  void writesTheSidecarsReencodingOfIstiosTestHeaderByteForByte() throws IOException {
    // A sidecar with this node metadata sends exactly these bytes: what it read, re-encoded.
    PeerMetadata m = PeerMetadata.decode(SAMPLE_ISTIO_HEADER);
    byte[] expected = istioEncoding(m);

    assertThat(m.serialize()).isEqualTo(expected);
    assertThat(m.encode()).isEqualTo(Base64.getEncoder().encodeToString(expected));
    assertThat(PeerMetadata.decode(m.encode())).isEqualTo(m);
    // And protobuf's own parser reads it back as the same Struct.
    Struct parsed = Struct.parseFrom(m.serialize());
    assertThat(parsed.getFieldsOrThrow("WORKLOAD_NAME").getStringValue()).isEqualTo("productpage-v1");
    assertThat(parsed.getFieldsOrThrow("LABELS").getStructValue().getFieldsOrThrow("app").getStringValue())
        .isEqualTo("productpage");
  }

  @Test
  void aWorkloadSendsWhatItsSidecarWould() throws IOException {
    Workload w = Workload.builder().namespace("default").name("productpage-v1").clusterId("east")
        .label("app", "productpage").label("version", "v1").ip("10.0.0.7").build();
    PeerMetadata m = PeerMetadata.of(w);

    assertThat(m).isEqualTo(new PeerMetadata("", "default", "productpage-v1", "east", "", "productpage", "v1",
        "productpage", "v1"));
    assertThat(m.serialize()).isEqualTo(istioEncoding(m));
    assertThat(PeerMetadata.nodeId(w)).isEqualTo("sidecar~10.0.0.7~productpage-v1.default~default.svc.cluster.local");
  }

  @Test
  void anythingButAStructIsNoMetadata() {
    assertThat(PeerMetadata.decode(null)).isNull();
    assertThat(PeerMetadata.decode("")).isNull();
    assertThat(PeerMetadata.decode("not base64!")).isNull();
    assertThat(PeerMetadata.decode(Base64.getEncoder().encodeToString(new byte[] {0x0A, 0x05, 0x0A}))).as("truncated")
        .isNull();
    assertThat(PeerMetadata.decode(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xFF})))
        .as("a bad varint").isNull();
    assertThat(PeerMetadata.decode("A".repeat(PeerMetadata.MAX_ENCODED + 4))).as("too long").isNull();
    // Unknown fields and value kinds are skipped, as protobuf's parser does.
    Struct other = Struct.newBuilder().putFields("NAMESPACE", Value.newBuilder().setStringValue("shop").build())
        .putFields("PORT", Value.newBuilder().setNumberValue(9080).build())
        .putFields("LABELS", Value.newBuilder().setBoolValue(true).build()).build();
    assertThat(PeerMetadata.decode(Base64.getEncoder().encodeToString(other.toByteArray())).namespace())
        .isEqualTo("shop");
  }

  @Test
  void readsWhatARatingsSidecarAnswersWithAndItsBytesAreProtobufsOwn() throws IOException {
    // The Struct istio/proxy's MXPropagationMethod builds for testdata/server_node_metadata.json.tmpl.
    Struct labels = Struct.newBuilder()
        .putFields("service.istio.io/canonical-name", string("ratings"))
        .putFields("service.istio.io/canonical-revision", string("version-1"))
        .putFields("app", string("ratings"))
        .putFields("version", string("v1")).build();
    Struct node = Struct.newBuilder()
        .putFields("NAME", string("ratings-v1-84975bc778-pxz2w"))
        .putFields("NAMESPACE", string("default"))
        .putFields("WORKLOAD_NAME", string("ratings-v1"))
        .putFields("CLUSTER_ID", string("server-cluster"))
        .putFields("LABELS", Value.newBuilder().setStructValue(labels).build())
        .putFields("OWNER", string("kubernetes://apis/apps/v1/namespaces/default/deployments/ratings-v1")).build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    node.writeTo(out);
    out.flush();
    assertThat(IstioPeerHeaders.RATINGS_SERVER).isEqualTo(Base64.getEncoder().encodeToString(bytes.toByteArray()));

    assertThat(PeerMetadata.decode(IstioPeerHeaders.RATINGS_SERVER)).isEqualTo(new PeerMetadata(
        "ratings-v1-84975bc778-pxz2w", "default", "ratings-v1", "server-cluster", "", "ratings", "version-1",
        "ratings", "v1"));
    // Envoy decodes without padding as well as with it.
    assertThat(PeerMetadata.decode(IstioPeerHeaders.RATINGS_SERVER.replace("=", "")))
        .isEqualTo(PeerMetadata.decode(IstioPeerHeaders.RATINGS_SERVER));
  }

  private static Value string(String v) {
    return Value.newBuilder().setStringValue(v).build();
  }
}
