package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Hosts;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.IstioResource;
import dev.mesh4j.api.config.ObjectMeta;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one parsed document into a resource: checks {@code apiVersion} and {@code kind}, skips
 * kinds mesh4j does not read, decodes metadata and hands the spec to the kind's decoder.
 */
final class ResourceDecoder {
  private static final Logger log = LoggerFactory.getLogger(ResourceDecoder.class);

  static final String GROUP = "networking.istio.io";
  static final Set<String> VERSIONS = Set.of("v1alpha3", "v1beta1", "v1");
  /** Kubernetes' own metadata fields: read silently, never warned about. */
  private static final List<String> K8S_METADATA = List.of("uid", "resourceVersion", "generation",
      "managedFields", "ownerReferences", "finalizers", "generateName", "deletionTimestamp",
      "deletionGracePeriodSeconds", "selfLink");

  private ResourceDecoder() {}

  /** Decodes a document (or each item of a {@code List}), passing resources to {@code sink}. */
  static void decode(Node doc, String defaultNamespace, Consumer<IstioResource> sink) {
    if (!doc.isObject()) {
      doc.error("expected a Kubernetes resource (a map with apiVersion, kind, metadata, spec)");
      return;
    }
    String apiVersion = doc.string("apiVersion");
    String kind = doc.string("kind");
    if (apiVersion == null || apiVersion.isEmpty()) {
      doc.get("apiVersion").error("required field is missing");
      return;
    }
    if (kind == null || kind.isEmpty()) {
      doc.get("kind").error("required field is missing");
      return;
    }
    if (kind.equals("List") && apiVersion.equals("v1")) {
      for (Node item : doc.get("items").elements()) {
        decode(item, defaultNamespace, sink);
      }
      doc.get("metadata").markAllRead();
      return;
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    if (!group.equals(GROUP)) {
      skip(doc, group, kind);
      return;
    }
    if (!VERSIONS.contains(version)) {
      doc.get("apiVersion").error("unsupported version " + Quoting.quote(apiVersion)
          + " (expected: networking.istio.io/v1, v1beta1 or v1alpha3)");
      return;
    }
    if (!Set.of("VirtualService", "DestinationRule", "ServiceEntry", "WorkloadEntry", "Sidecar",
        "Gateway").contains(kind)) {
      doc.warn("kind " + Quoting.escape(kind) + " is not supported by mesh4j (skipped)");
      doc.markAllRead();
      return;
    }
    ObjectMeta meta = metadata(doc.get("metadata"), defaultNamespace);
    Node spec = doc.get("spec");
    doc.get("status").markAllRead();
    if (spec.isMissing()) {
      spec.error("required field is missing");
      return;
    }
    if (!spec.expectObject()) {
      return;
    }
    IstioResource r = switch (kind) {
      case "VirtualService" -> VirtualServiceDecoder.decode(meta, spec);
      case "DestinationRule" -> DestinationRuleDecoder.decode(meta, spec);
      case "ServiceEntry" -> ServiceEntryDecoder.decode(meta, spec);
      case "WorkloadEntry" -> WorkloadEntryDecoder.decode(meta, spec);
      case "Sidecar" -> SidecarDecoder.decode(meta, spec);
      case "Gateway" -> GatewayDecoder.decode(meta, spec);
      default -> null;
    };
    if (r != null) {
      sink.accept(r);
    }
  }

  private static void skip(Node doc, String group, String kind) {
    doc.markAllRead();
    if (group.endsWith(".istio.io")) {
      doc.warn("kind " + Quoting.escape(kind) + " (" + Quoting.escape(group) + ") is not supported by mesh4j (skipped)");
    } else if (group.equals("gateway.networking.k8s.io")) {
      doc.warn("Kubernetes Gateway API kind " + Quoting.escape(kind) + " is not supported by mesh4j (skipped)");
    } else {
      log.debug("{}: skipping {} {}", Quoting.escape(doc.origin().toString()),
          group.isEmpty() ? "core" : Quoting.escape(group), Quoting.escape(kind));
    }
  }

  private static ObjectMeta metadata(Node m, String defaultNamespace) {
    if (m.isMissing()) {
      m.error("required field is missing");
      return new ObjectMeta("", defaultNamespace, Map.of(), Map.of(), null, m.origin());
    }
    if (!m.expectObject()) {
      return new ObjectMeta("", defaultNamespace, Map.of(), Map.of(), null, m.origin());
    }
    String name = m.requiredString("name");
    if (!name.isEmpty() && !Hosts.isKubernetesName(name)) {
      m.get("name").error("invalid name " + Quoting.quote(name) + " (expected a lower-case DNS-1123 subdomain)");
    }
    String namespace = m.string("namespace");
    if (namespace != null && !namespace.isEmpty() && !Hosts.isKubernetesNamespace(namespace)) {
      m.get("namespace").error("invalid namespace " + Quoting.quote(namespace)
          + " (expected a lower-case DNS-1123 label)");
      namespace = null;
    }
    Map<String, String> labels = m.stringMap("labels");
    Map<String, String> annotations = m.stringMap("annotations");
    checkAnnotations(m.get("annotations"), annotations);
    Instant created = timestamp(m.get("creationTimestamp"));
    for (String f : K8S_METADATA) {
      m.get(f).markAllRead();
    }
    return new ObjectMeta(name, namespace == null || namespace.isEmpty() ? defaultNamespace : namespace,
        labels, annotations, created, m.origin());
  }

  /**
   * Istio's {@code validateMetadata}: {@code istio.io/dry-run} is for AuthorizationPolicy only,
   * and the internal annotations may not be set by users.
   */
  private static void checkAnnotations(Node at, Map<String, String> annotations) {
    if (annotations.containsKey("istio.io/dry-run")) {
      at.error("has unsupported annotation istio.io/dry-run, please remove the annotation");
    }
    if (annotations.containsKey("internal.istio.io/webhook-always-reject")) {
      at.error("\"internal.istio.io/webhook-always-reject\" annotation found, rejecting");
    }
    for (String internal : List.of("internal.istio.io/parent-namespace", "internal.istio.io/parents")) {
      if (annotations.containsKey(internal)) {
        at.error(Quoting.quote(internal) + " annotation found, this may not be set by users");
      }
    }
  }

  private static @Nullable Instant timestamp(Node n) {
    String s = n.asString();
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      n.error("invalid timestamp " + Quoting.quote(s) + " (expected RFC 3339, e.g. 2024-01-02T15:04:05Z)");
      return null;
    }
  }
}
