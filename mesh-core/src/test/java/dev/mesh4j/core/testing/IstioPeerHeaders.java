package dev.mesh4j.core.testing;

/**
 * {@code x-envoy-peer-metadata} values exactly as Istio's sidecars send them, from istio/proxy's
 * own tests (the repository's last version with the filters, before they moved to Envoy's tree).
 */
public final class IstioPeerHeaders {
  private IstioPeerHeaders() {}

  /**
   * The request header of istio/proxy's peer metadata filter tests,
   * {@code source/extensions/filters/http/peer_metadata/filter_test.cc} ({@code SampleIstioHeader}):
   * the whole node metadata of the productpage-v1 sidecar of
   * {@code testdata/client_node_metadata.json.tmpl}, as Go serializes it (not in key order), base64
   * without padding. What {@code convertStructToWorkloadMetadata} takes of it: NAME
   * {@code productpage-v1-84975bc778-pxz2w}, NAMESPACE {@code default}, WORKLOAD_NAME
   * {@code productpage-v1}, CLUSTER_ID {@code client-cluster}, canonical name
   * {@code productpage-v1}, canonical revision {@code version-1}, app {@code productpage},
   * version {@code v1}.
   */
  public static final String PRODUCTPAGE_CLIENT =
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

  /**
   * What the ratings-v1 sidecar of istio/proxy's {@code testdata/server_node_metadata.json.tmpl}
   * answers with, as its filter computes the value ({@code MXPropagationMethod::computeValue}:
   * {@code convertStructToWorkloadMetadata} of the node metadata, {@code convertWorkloadMetadataToStruct},
   * {@code serializeToStringDeterministic}, {@code Base64::encode}): NAME
   * {@code ratings-v1-84975bc778-pxz2w}, NAMESPACE {@code default}, WORKLOAD_NAME
   * {@code ratings-v1}, CLUSTER_ID {@code server-cluster}, LABELS canonical name {@code ratings},
   * canonical revision {@code version-1}, app {@code ratings}, version {@code v1}, and OWNER
   * {@code kubernetes://apis/apps/v1/namespaces/default/deployments/ratings-v1} (rebuilt from the
   * workload type). PeerMetadataTest checks these bytes against protobuf's own deterministic
   * serialization of that Struct.
   */
  public static final String RATINGS_SERVER =
      "Ch4KCkNMVVNURVJfSUQSEBoOc2VydmVyLWNsdXN0ZXIKkwEKBkxBQkVMUxKIASqFAQoQCgNhcHASCRoHcmF0aW5ncwosCh9z"
      + "ZXJ2aWNlLmlzdGlvLmlvL2Nhbm9uaWNhbC1uYW1lEgkaB3JhdGluZ3MKMgojc2VydmljZS5pc3Rpby5pby9jYW5vbmljYWwt"
      + "cmV2aXNpb24SCxoJdmVyc2lvbi0xCg8KB3ZlcnNpb24SBBoCdjEKJQoETkFNRRIdGhtyYXRpbmdzLXYxLTg0OTc1YmM3Nzgt"
      + "cHh6MncKFgoJTkFNRVNQQUNFEgkaB2RlZmF1bHQKTgoFT1dORVISRRpDa3ViZXJuZXRlczovL2FwaXMvYXBwcy92MS9uYW1l"
      + "c3BhY2VzL2RlZmF1bHQvZGVwbG95bWVudHMvcmF0aW5ncy12MQodCg1XT1JLTE9BRF9OQU1FEgwaCnJhdGluZ3MtdjE=";

  /** The node id the ratings-v1 sidecar sends with it ({@code x-envoy-peer-metadata-id}). */
  public static final String RATINGS_SERVER_ID =
      "sidecar~10.52.0.34~ratings-v1-84975bc778-pxz2w.default~default.svc.cluster.local";
}
