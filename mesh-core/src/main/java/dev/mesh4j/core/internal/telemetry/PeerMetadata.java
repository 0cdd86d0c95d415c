package dev.mesh4j.core.internal.telemetry;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.http.ResponseInfo;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Istio's HTTP peer metadata exchange, as istio/proxy's {@code peer_metadata} filter does it
 * ({@code istio_headers} discovery and propagation): a workload's metadata travels in the header
 * {@code x-envoy-peer-metadata} as the base64 of a serialized {@code google.protobuf.Struct} —
 * {@code NAME}, {@code NAMESPACE}, {@code WORKLOAD_NAME}, {@code CLUSTER_ID}, {@code IDENTITY},
 * {@code LABELS} ({@code service.istio.io/canonical-name}, {@code …/canonical-revision},
 * {@code app}, {@code version}), {@code OWNER}, {@code REGION}, {@code AVAILABILITY_ZONE} (each
 * only when not empty, {@code convertWorkloadMetadataToStruct}) — with the sender's node id in
 * {@code x-envoy-peer-metadata-id}. A client sends its own on requests to services inside the
 * mesh; a sidecar answers with its workload's on the response, and removes the peer's headers
 * before the application sees them.
 *
 * <p>The encoding is protobuf's deterministic serialization (map entries in key order), as the
 * filter's {@code serializeToStringDeterministic}, written by hand: mesh-core does not depend on
 * protobuf. Decoding reads any serialization of a {@code Struct} (Go's and older Envoys' are not
 * sorted), takes the fields the filter reads ({@code convertStructToWorkloadMetadata}) and ignores
 * the others; a value that is not a well-formed {@code Struct} is no metadata.
 *
 * <p>The inbound side (a server filter reading a client's metadata and answering with its own)
 * uses the same {@link #encode} and {@link #decode}. Immutable and thread-safe.
 *
 * @param instance the peer's instance ({@code NAME}, its Pod), or empty
 * @param namespace the peer's namespace, or empty
 * @param workload the peer's workload name, or empty
 * @param cluster the peer's cluster id, or empty
 * @param identity the peer's identity ({@code IDENTITY}), or empty
 * @param canonicalService label {@code service.istio.io/canonical-name}, or empty
 * @param canonicalRevision label {@code service.istio.io/canonical-revision}, or empty
 * @param app label {@code app.kubernetes.io/name}, else {@code app}, or empty
 * @param version label {@code app.kubernetes.io/version}, else {@code version}, or empty
 */
public record PeerMetadata(String instance, String namespace, String workload, String cluster, String identity,
    String canonicalService, String canonicalRevision, String app, String version) {

  /** The header carrying the metadata. */
  public static final String HEADER = ResponseInfo.PEER_METADATA_HEADER;
  /** The header carrying the sender's node id, a cache key for the metadata. */
  public static final String ID_HEADER = "x-envoy-peer-metadata-id";
  /**
   * Values longer than this are not read: a sidecar's own is a few hundred bytes, and Envoy
   * refuses request headers past 60 KiB anyway.
   */
  static final int MAX_ENCODED = 16 * 1024;

  private static final int FIELDS = 1;
  private static final int MAP_KEY = 1;
  private static final int MAP_VALUE = 2;
  private static final int STRING_VALUE = 3;
  private static final int STRUCT_VALUE = 5;

  /**
   * The metadata Istio's sidecar of {@code workload} would send: its namespace, name, cluster and
   * the canonical service, revision, app and version its labels give (with the injector's
   * fallbacks, as the {@code source_*} metric labels).
   */
  public static PeerMetadata of(Workload workload) {
    Map<String, String> labels = workload.labels();
    String app = first(labels, "app.kubernetes.io/name", "app");
    String version = first(labels, "app.kubernetes.io/version", "version");
    String canonical = first(labels, "service.istio.io/canonical-name", "app.kubernetes.io/name", "app");
    String revision = first(labels, "service.istio.io/canonical-revision", "app.kubernetes.io/version", "version");
    return new PeerMetadata("", workload.namespace(), workload.name() == null ? "" : workload.name(),
        workload.clusterId(), "", canonical.isEmpty() ? (workload.name() == null ? "" : workload.name()) : canonical,
        revision.isEmpty() ? "latest" : revision, app, version);
  }

  /**
   * The node id a sidecar sends with its metadata ({@code sidecar~<ip>~<name>.<namespace>~<namespace>.svc.<domain>}):
   * servers cache decoded metadata by it, so it names this workload's instance.
   */
  public static String nodeId(Workload workload) {
    String ip = workload.ip() == null ? "" : workload.ip();
    String name = workload.name() == null ? "" : workload.name();
    return "sidecar~" + ip + "~" + name + "." + workload.namespace() + "~" + workload.namespace() + ".svc."
        + workload.domainSuffix();
  }

  private static String first(Map<String, String> labels, String... names) {
    for (String n : names) {
      String v = labels.get(n);
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return "";
  }

  /** The header value: base64 (with padding, as Envoy's {@code Base64::encode}) of the serialized Struct. */
  public String encode() {
    return Base64.getEncoder().encodeToString(serialize());
  }

  /** The deterministic serialization of this metadata's {@code Struct}. */
  byte[] serialize() {
    // convertWorkloadMetadataToStruct: every field only when set, LABELS always (maybe empty).
    TreeMap<String, byte[]> labels = new TreeMap<>();
    putString(labels, "service.istio.io/canonical-name", canonicalService);
    putString(labels, "service.istio.io/canonical-revision", canonicalRevision);
    putString(labels, "app", app);
    putString(labels, "version", version);
    TreeMap<String, byte[]> fields = new TreeMap<>();
    putString(fields, "NAME", instance);
    putString(fields, "NAMESPACE", namespace);
    putString(fields, "WORKLOAD_NAME", workload);
    putString(fields, "CLUSTER_ID", cluster);
    putString(fields, "IDENTITY", identity);
    fields.put("LABELS", value(STRUCT_VALUE, struct(labels)));
    return struct(fields);
  }

  private static void putString(Map<String, byte[]> fields, String key, String value) {
    if (!value.isEmpty()) {
      fields.put(key, value(STRING_VALUE, value.getBytes(UTF_8)));
    }
  }

  /** A {@code google.protobuf.Value} with one length-delimited field set. */
  private static byte[] value(int field, byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 6);
    lengthDelimited(out, field, bytes);
    return out.toByteArray();
  }

  /** A {@code Struct} of entries in key order (protobuf's deterministic map order for string keys). */
  private static byte[] struct(TreeMap<String, byte[]> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> e : fields.entrySet()) {
      ByteArrayOutputStream entry = new ByteArrayOutputStream();
      lengthDelimited(entry, MAP_KEY, e.getKey().getBytes(UTF_8));
      lengthDelimited(entry, MAP_VALUE, e.getValue());
      lengthDelimited(out, FIELDS, entry.toByteArray());
    }
    return out.toByteArray();
  }

  private static void lengthDelimited(ByteArrayOutputStream out, int field, byte[] bytes) {
    varint(out, (field << 3) | 2);
    varint(out, bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /**
   * Reads a header value as the filter's {@code MXMethod} does (base64 with or without padding, a
   * serialized {@code Struct}); null when it is too long, not base64 or not a {@code Struct}.
   */
  public static @Nullable PeerMetadata decode(@Nullable String header) {
    if (header == null || header.isEmpty() || header.length() > MAX_ENCODED) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(header.trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
    Reader r = new Reader(bytes, 0, bytes.length);
    String[] top = new String[6];
    String[] labels = new String[6];
    if (!r.struct(top, labels)) {
      return null;
    }
    return new PeerMetadata(orEmpty(top[0]), orEmpty(top[1]), orEmpty(top[2]), orEmpty(top[3]), orEmpty(top[4]),
        orEmpty(labels[0]), orEmpty(labels[1]),
        !orEmpty(labels[2]).isEmpty() ? labels[2] : orEmpty(labels[3]),
        !orEmpty(labels[4]).isEmpty() ? labels[4] : orEmpty(labels[5]));
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  /** Index of a top-level field the filter reads, or -1. */
  private static int topIndex(String key) {
    return switch (key) {
      case "NAME" -> 0;
      case "NAMESPACE" -> 1;
      case "WORKLOAD_NAME" -> 2;
      case "CLUSTER_ID" -> 3;
      case "IDENTITY" -> 4;
      case "LABELS" -> 5;
      default -> -1;
    };
  }

  /** Index of a label the filter reads, or -1. */
  private static int labelIndex(String key) {
    return switch (key) {
      case "service.istio.io/canonical-name" -> 0;
      case "service.istio.io/canonical-revision" -> 1;
      case "app.kubernetes.io/name" -> 2;
      case "app" -> 3;
      case "app.kubernetes.io/version" -> 4;
      case "version" -> 5;
      default -> -1;
    };
  }

  /** A protobuf wire-format reader over {@code bytes[pos, end)}. */
  private static final class Reader {
    private final byte[] bytes;
    private int pos;
    private final int end;

    Reader(byte[] bytes, int pos, int end) {
      this.bytes = bytes;
      this.pos = pos;
      this.end = end;
    }

    /**
     * Reads a Struct: top-level string fields into {@code top} by {@link #topIndex}, and the
     * {@code LABELS} struct's string fields into {@code labels} by {@link #labelIndex} (when
     * {@code labels} is null, this is the labels struct itself, read into {@code top}).
     */
    boolean struct(String[] top, String @Nullable [] labels) {
      while (pos < end) {
        long tag = varint();
        if (tag < 0) {
          return false;
        }
        int field = (int) (tag >>> 3);
        int wire = (int) (tag & 7);
        if (field != FIELDS || wire != 2) {
          if (!skip(wire)) {
            return false;
          }
          continue;
        }
        int len = length();
        if (len < 0) {
          return false;
        }
        if (!new Reader(bytes, pos, pos + len).entry(top, labels)) {
          return false;
        }
        pos += len;
      }
      return pos == end;
    }

    /** One map entry: key (1) and Value (2); the last of repeated fields wins, as protobuf's parser. */
    private boolean entry(String[] top, String @Nullable [] labels) {
      String key = "";
      int valueStart = -1;
      int valueEnd = -1;
      while (pos < end) {
        long tag = varint();
        if (tag < 0) {
          return false;
        }
        int field = (int) (tag >>> 3);
        int wire = (int) (tag & 7);
        if ((field == MAP_KEY || field == MAP_VALUE) && wire == 2) {
          int len = length();
          if (len < 0) {
            return false;
          }
          if (field == MAP_KEY) {
            key = new String(bytes, pos, len, UTF_8);
          } else {
            valueStart = pos;
            valueEnd = pos + len;
          }
          pos += len;
        } else if (!skip(wire)) {
          return false;
        }
      }
      if (pos != end) {
        return false;
      }
      int index = labels == null ? labelIndex(key) : topIndex(key);
      if (valueStart < 0 || index < 0) {
        return true;
      }
      return new Reader(bytes, valueStart, valueEnd).value(top, labels, index);
    }

    /** A Value: its string, or for LABELS its struct. */
    private boolean value(String[] top, String @Nullable [] labels, int index) {
      boolean isLabels = labels != null && index == 5;
      while (pos < end) {
        long tag = varint();
        if (tag < 0) {
          return false;
        }
        int field = (int) (tag >>> 3);
        int wire = (int) (tag & 7);
        if (wire == 2 && (field == STRING_VALUE || field == STRUCT_VALUE)) {
          int len = length();
          if (len < 0) {
            return false;
          }
          if (field == STRING_VALUE && !isLabels) {
            top[index] = new String(bytes, pos, len, UTF_8);
          } else if (field == STRUCT_VALUE && isLabels) {
            if (!new Reader(bytes, pos, pos + len).struct(labels, null)) {
              return false;
            }
          }
          pos += len;
        } else if (!skip(wire)) {
          return false;
        }
      }
      return pos == end;
    }

    private int length() {
      long len = varint();
      if (len < 0 || len > end - pos) {
        return -1;
      }
      return (int) len;
    }

    private boolean skip(int wire) {
      switch (wire) {
        case 0:
          return varint() >= 0;
        case 1:
          if (end - pos < 8) {
            return false;
          }
          pos += 8;
          return true;
        case 2:
          int len = length();
          if (len < 0) {
            return false;
          }
          pos += len;
          return true;
        case 5:
          if (end - pos < 4) {
            return false;
          }
          pos += 4;
          return true;
        default:
          return false;
      }
    }

    /** A varint, or -1 when truncated or longer than 10 bytes. */
    private long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          return -1;
        }
        byte b = bytes[pos++];
        result |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return result < 0 ? -1 : result;
        }
      }
      return -1;
    }
  }
}
