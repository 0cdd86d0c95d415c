package dev.mesh4j.core.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.mesh4j.api.runtime.Workload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Istio's {@code x-envoy-peer-metadata}: read as istio/proxy reads it, written as it writes it. */
class PeerMetadataTest {
  /**
   * The header value of istio/proxy's own peer metadata filter tests,
   * {@code source/extensions/filters/http/peer_metadata/filter_test.cc} ({@code SampleIstioHeader}):
   * a sidecar's whole node metadata (from {@code testdata/client_node_metadata.json.tmpl}), as
   * Go serializes it (not in key order), base64 without padding.
   */
  static final String SAMPLE_ISTIO_HEADER =
      "ChIKBWlzdGlvEgkaB3NpZGVjYXIKDgoIU1RTX1BPUlQSAhoAChEKB01FU0hfSUQSBhoEbWVzaAocChZTVEFDS0RSSVZFUl"
      + "9UT0tFTl9GSUxFEgIaAAowCihTVEFDS0RSSVZFUl9MT0dHSU5HX0VYUE9SVF9JTlRFUlZBTF9TRUNTEgQaAjIwCjYKDElO"
      + "U1RBTkNFX0lQUxImGiQxMC41Mi4wLjM0LGZlODA6OmEwNzU6MTFmZjpmZTVlOmYxY2QKFAoDYXBwEg0aC3Byb2R1Y3RwYW"
      + "dlCisKG1NFQ1VSRV9TVEFDS0RSSVZFUl9FTkRQT0lOVBIMGgpsb2NhbGhvc3Q6Cl0KGmt1YmVybmV0ZXMuaW8vbGltaXQt"
      + "cmFuZ2VyEj8aPUxpbWl0UmFuZ2VyIHBsdWdpbiBzZXQ6IGNwdSByZXF1ZXN0IGZvciBjb250YWluZXIgcHJvZHVjdHBhZ2"
      + "UKIQoNV09SS0xPQURfTkFNRRIQGg5wcm9kdWN0cGFnZS12MQofChFJTlRFUkNFUFRJT05fTU9ERRIKGghSRURJUkVDVAoe"
      + "CgpDTFVTVEVSX0lEEhAaDmNsaWVudC1jbHVzdGVyCkkKD0lTVElPX1BST1hZX1NIQRI2GjRpc3Rpby1wcm94eTo0N2U0NT"
      + "U5YjhlNGYwZDUxNmMwZDE3YjIzM2QxMjdhM2RlYjNkN2NlClIKBU9XTkVSEkkaR2t1YmVybmV0ZXM6Ly9hcGlzL2FwcHMv"
      + "djEvbmFtZXNwYWNlcy9kZWZhdWx0L2RlcGxveW1lbnRzL3Byb2R1Y3RwYWdlLXYxCsEBCgZMQUJFTFMStgEqswEKFAoDYX"
      + "BwEg0aC3Byb2R1Y3RwYWdlCiEKEXBvZC10ZW1wbGF0ZS1oYXNoEgwaCjg0OTc1YmM3NzgKMwofc2VydmljZS5pc3Rpby5p"
      + "by9jYW5vbmljYWwtbmFtZRIQGg5wcm9kdWN0cGFnZS12MQoyCiNzZXJ2aWNlLmlzdGlvLmlvL2Nhbm9uaWNhbC1yZXZpc2"
      + "lvbhILGgl2ZXJzaW9uLTEKDwoHdmVyc2lvbhIEGgJ2MQopCgROQU1FEiEaH3Byb2R1Y3RwYWdlLXYxLTg0OTc1YmM3Nzgt"
      + "cHh6MncKLQoIUE9EX05BTUUSIRofcHJvZHVjdHBhZ2UtdjEtODQ5NzViYzc3OC1weHoydwoaCg1JU1RJT19WRVJTSU9OEg"
      + "kaBzEuNS1kZXYKHwoVSU5DTFVERV9JTkJPVU5EX1BPUlRTEgYaBDkwODAKmwEKEVBMQVRGT1JNX01FVEFEQVRBEoUBKoIB"
      + "CiYKFGdjcF9na2VfY2x1c3Rlcl9uYW1lEg4aDHRlc3QtY2x1c3RlcgocCgxnY3BfbG9jYXRpb24SDBoKdXMtZWFzdDQtYg"
      + "odCgtnY3BfcHJvamVjdBIOGgx0ZXN0LXByb2plY3QKGwoSZ2NwX3Byb2plY3RfbnVtYmVyEgUaAzEyMwopCg9TRVJWSUNF"
      + "X0FDQ09VTlQSFhoUYm9va2luZm8tcHJvZHVjdHBhZ2UKHQoQQ09ORklHX05BTUVTUEFDRRIJGgdkZWZhdWx0Cg8KB3Zlcn"
      + "Npb24SBBoCdjEKHgoYU1RBQ0tEUklWRVJfUk9PVF9DQV9GSUxFEgIaAAohChFwb2QtdGVtcGxhdGUtaGFzaBIMGgo4NDk3"
      + "NWJjNzc4Ch8KDkFQUF9DT05UQUlORVJTEg0aC3Rlc3QsYm9uemFpChYKCU5BTUVTUEFDRRIJGgdkZWZhdWx0CjMKK1NUQU"
      + "NLRFJJVkVSX01PTklUT1JJTkdfRVhQT1JUX0lOVEVSVkFMX1NFQ1MSBBoCMjA";

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
}
