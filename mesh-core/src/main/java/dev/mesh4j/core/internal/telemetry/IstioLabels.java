package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.observe.MeshAttempt;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.RouteDecision;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Istio's 25 standard metric labels for one request, as the client sidecar's stats filter
 * ({@code istio_stats}, reporter {@code source}) computes them: {@code source_*} from the
 * workload, {@code destination_*} from the route decision and, for the peer's workload, as
 * {@code populatePeerInfo} chooses: the metadata the upstream answered with
 * ({@code x-envoy-peer-metadata}) when it sent any, else the endpoint's labels —
 * {@code destination_workload} and {@code destination_cluster} from the labels
 * {@code service.istio.io/workload-name} and {@code topology.istio.io/cluster} that mesh4j's
 * sources give an endpoint from what istiod puts in its {@code istio.workload} metadata (the
 * sidecar's fallback when the peer sent none). The peer's metadata, when present, is used whole,
 * never mixed with the endpoint's labels. Server side likewise: {@code source_*} from the
 * caller's metadata ({@link PeerLabels}).
 *
 * <p>Labels whose values come from requests are bounded ({@link BoundedLabelValues}): the
 * {@code destination_service} (and, with no route, {@code destination_service_name}) of
 * passthrough, blackholed and unrouted traffic, which Istio fills from the {@code Host} header,
 * and {@code grpc_response_status}, which an upstream sends. The others come from configuration
 * and endpoints or from small fixed sets ({@code response_code} is three digits,
 * {@code response_flags} Envoy's flags). Thread-safe.
 */
final class IstioLabels {
  static final String UNKNOWN = "unknown";
  /**
   * The endpoint label naming the workload behind it (Istio's Pod label that overrides the name
   * istiod derives); mesh4j's Kubernetes and istiod sources set it on every endpoint they know the
   * workload of.
   */
  static final String WORKLOAD_NAME_LABEL = "service.istio.io/workload-name";
  static final String CLUSTER_LABEL = "topology.istio.io/cluster";
  static final String PASSTHROUGH = "PassthroughCluster";
  static final String BLACKHOLE = "BlackHoleCluster";

  static final AttributeKey<String> REPORTER = key("reporter");
  static final AttributeKey<String> SOURCE_WORKLOAD = key("source_workload");
  static final AttributeKey<String> SOURCE_WORKLOAD_NAMESPACE = key("source_workload_namespace");
  static final AttributeKey<String> SOURCE_PRINCIPAL = key("source_principal");
  static final AttributeKey<String> SOURCE_APP = key("source_app");
  static final AttributeKey<String> SOURCE_VERSION = key("source_version");
  static final AttributeKey<String> SOURCE_CANONICAL_SERVICE = key("source_canonical_service");
  static final AttributeKey<String> SOURCE_CANONICAL_REVISION = key("source_canonical_revision");
  static final AttributeKey<String> SOURCE_CLUSTER = key("source_cluster");
  static final AttributeKey<String> DESTINATION_WORKLOAD = key("destination_workload");
  static final AttributeKey<String> DESTINATION_WORKLOAD_NAMESPACE = key("destination_workload_namespace");
  static final AttributeKey<String> DESTINATION_PRINCIPAL = key("destination_principal");
  static final AttributeKey<String> DESTINATION_APP = key("destination_app");
  static final AttributeKey<String> DESTINATION_VERSION = key("destination_version");
  static final AttributeKey<String> DESTINATION_SERVICE = key("destination_service");
  static final AttributeKey<String> DESTINATION_SERVICE_NAME = key("destination_service_name");
  static final AttributeKey<String> DESTINATION_SERVICE_NAMESPACE = key("destination_service_namespace");
  static final AttributeKey<String> DESTINATION_CANONICAL_SERVICE = key("destination_canonical_service");
  static final AttributeKey<String> DESTINATION_CANONICAL_REVISION = key("destination_canonical_revision");
  static final AttributeKey<String> DESTINATION_CLUSTER = key("destination_cluster");
  static final AttributeKey<String> REQUEST_PROTOCOL = key("request_protocol");
  static final AttributeKey<String> RESPONSE_FLAGS = key("response_flags");
  static final AttributeKey<String> CONNECTION_SECURITY_POLICY = key("connection_security_policy");
  static final String MUTUAL_TLS = "mutual_tls";
  static final AttributeKey<String> RESPONSE_CODE = key("response_code");
  static final AttributeKey<String> GRPC_RESPONSE_STATUS = key("grpc_response_status");

  private static AttributeKey<String> key(String name) {
    return AttributeKey.stringKey(name);
  }

  /**
   * The labels that depend on where the request went (not on how it ended), including the
   * principals of a mutual-TLS connection: the peer's and this workload's SPIFFE IDs.
   */
  record Destination(String service, String serviceName, String serviceNamespace, String workload,
      String workloadNamespace, String app, String version, String canonicalService, String canonicalRevision, String cluster,
      String principal, String sourcePrincipal, boolean mutualTls) {}

  /** The labels that never change for this workload. */
  private final Attributes source;
  /**
   * The labels that never change for this workload when it is the server
   * ({@code reporter="destination"}): its own workload as {@code destination_*}.
   */
  private final Attributes destination;
  private final String namespace;
  private final String canonicalName;
  private final String domainSuffix;
  /** Host names of requests no service claims: bounded, as any host can be requested. */
  private final BoundedLabelValues requestedHosts = new BoundedLabelValues();
  /** Host names inbound requests carried: bounded, as a client may send any. */
  private final BoundedLabelValues inboundHosts = new BoundedLabelValues();
  private final BoundedLabelValues grpcStatuses = new BoundedLabelValues();
  /** Workloads upstreams said they are (their answers' peer metadata): bounded. */
  private final PeerLabels upstreamPeers = new PeerLabels();
  /** Workloads callers said they are (their requests' peer metadata): bounded. */
  private final PeerLabels downstreamPeers = new PeerLabels();

  IstioLabels(Workload workload) {
    Map<String, String> labels = workload.labels();
    String name = workload.name();
    this.source = Attributes.builder()
        .put(REPORTER, "source")
        .put(SOURCE_WORKLOAD, orUnknown(name))
        .put(SOURCE_WORKLOAD_NAMESPACE, workload.namespace())
        .put(SOURCE_APP, orUnknown(labels.get("app")))
        .put(SOURCE_VERSION, orUnknown(labels.get("version")))
        .put(SOURCE_CANONICAL_SERVICE, orUnknown(canonicalService(labels, name)))
        .put(SOURCE_CANONICAL_REVISION, canonicalRevision(labels))
        .put(SOURCE_CLUSTER, workload.clusterId())
        .build();
    this.namespace = workload.namespace();
    this.canonicalName = orUnknown(canonicalService(labels, name));
    this.destination = Attributes.builder()
        .put(REPORTER, "destination")
        .put(DESTINATION_WORKLOAD, orUnknown(name))
        .put(DESTINATION_WORKLOAD_NAMESPACE, namespace)
        .put(DESTINATION_APP, orUnknown(labels.get("app")))
        .put(DESTINATION_VERSION, orUnknown(labels.get("version")))
        .put(DESTINATION_CANONICAL_SERVICE, canonicalName)
        .put(DESTINATION_CANONICAL_REVISION, canonicalRevision(labels))
        .put(DESTINATION_SERVICE_NAMESPACE, namespace)
        .put(DESTINATION_CLUSTER, workload.clusterId())
        .build();
    this.domainSuffix = workload.domainSuffix();
  }

  /**
   * The 25 labels of a request this workload answered, as the server sidecar's stats filter
   * ({@code reporter="destination"}) computes them: {@code source_principal} is the client
   * certificate's SPIFFE ID and {@code source_workload_namespace} its {@code /ns/} part;
   * {@code destination_*} are this workload; {@code destination_service} is the requested host as
   * the Kubernetes service it names (the sidecar reads it from its inbound cluster, mesh4j from
   * the {@code Host}); {@code connection_security_policy} is {@code mutual_tls} when both sides
   * presented a SPIFFE certificate, else {@code none}. The caller's workload, app, version,
   * canonical service and revision and cluster come from the peer metadata it sent
   * ({@code peerMetadata}, its {@code x-envoy-peer-metadata}), as the sidecar's
   * {@code peer_metadata} filter reads it: from any caller, unverified; the namespace comes from
   * the certificate when there is one, else from the metadata.
   */
  Attributes inbound(@Nullable String authority, boolean grpc, int status, @Nullable String grpcStatus,
      String responseFlags, @Nullable String peer, @Nullable String local, @Nullable String peerMetadata) {
    String service = inboundService(authority);
    String peerNamespace = peer == null ? null : principalNamespace(peer);
    PeerLabels.Peer caller = downstreamPeers.of(peerMetadata);
    if ((peerNamespace == null || peerNamespace.isEmpty()) && caller != null) {
      peerNamespace = caller.namespace();
    }
    return destination.toBuilder()
        .put(SOURCE_WORKLOAD, caller == null ? UNKNOWN : orUnknown(caller.workload()))
        .put(SOURCE_WORKLOAD_NAMESPACE, orUnknown(peerNamespace))
        .put(SOURCE_PRINCIPAL, orUnknown(peer))
        .put(SOURCE_APP, caller == null ? UNKNOWN : orUnknown(caller.app()))
        .put(SOURCE_VERSION, caller == null ? UNKNOWN : orUnknown(caller.version()))
        .put(SOURCE_CANONICAL_SERVICE, caller == null ? UNKNOWN : orUnknown(caller.canonicalService()))
        .put(SOURCE_CANONICAL_REVISION, caller == null ? "latest" : orLatest(caller.canonicalRevision()))
        .put(SOURCE_CLUSTER, caller == null ? UNKNOWN : orUnknown(caller.cluster()))
        .put(DESTINATION_PRINCIPAL, orUnknown(local))
        .put(DESTINATION_SERVICE, service)
        .put(DESTINATION_SERVICE_NAME, service == canonicalName ? canonicalName : shortName(service))
        .put(REQUEST_PROTOCOL, grpc ? "grpc" : "http")
        .put(RESPONSE_FLAGS, responseFlags.isEmpty() ? "-" : responseFlags)
        .put(CONNECTION_SECURITY_POLICY, peer != null && local != null ? MUTUAL_TLS : "none")
        .put(RESPONSE_CODE, Integer.toString(status))
        .put(GRPC_RESPONSE_STATUS, grpc && grpcStatus != null ? grpcStatuses.admit(grpcStatus) : "")
        .build();
  }

  /**
   * The service an inbound request named: its {@code Host} without the port, a short name
   * ({@code reviews}) or {@code name.namespace.svc} completed to the service's FQDN in this
   * workload's namespace and domain, as the cluster's DNS resolved it for the client; other hosts
   * as sent, bounded. Without a {@code Host}, the canonical service, as Istio's stats filter.
   */
  private String inboundService(@Nullable String authority) {
    if (authority == null || authority.isEmpty()) {
      return canonicalName;
    }
    String host = authority;
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      host = end < 0 ? host : host.substring(0, end + 1);
    } else {
      int colon = host.lastIndexOf(':');
      if (colon >= 0) {
        host = host.substring(0, colon);
      }
    }
    host = host.toLowerCase(java.util.Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.isEmpty()) {
      return canonicalName;
    }
    if (host.indexOf('.') < 0 && host.indexOf(':') < 0) {
      host = host + "." + namespace + ".svc." + domainSuffix;
    } else if (host.endsWith(".svc")) {
      host = host + "." + domainSuffix;
    }
    return inboundHosts.admit(host);
  }

  /** The namespace in a SPIFFE ID {@code spiffe://<domain>/ns/<namespace>/sa/<account>}, or null. */
  static @Nullable String principalNamespace(String principal) {
    int begin = principal.indexOf("/ns/");
    if (begin < 0) {
      return null;
    }
    begin += 4;
    int end = principal.indexOf('/', begin);
    return end < 0 ? principal.substring(begin) : principal.substring(begin, end);
  }

  /** Where the request went, as the sidecar's stats filter names it. */
  Destination destination(MeshCall call) {
    RouteDecision r = call.route();
    MeshAttempt attempt = call.lastAttempt();
    Endpoint endpoint = attempt == null ? null : attempt.endpoint();
    Map<String, String> labels = endpoint == null ? Map.of() : endpoint.labels();
    String requested = r != null ? r.authority() : call.request().authority();
    String service;
    String serviceName;
    String namespace;
    if (r == null || r.outcome() == RouteDecision.Outcome.BLACKHOLE) {
      service = requestedHosts.admit(requested);
      serviceName = BLACKHOLE;
      namespace = UNKNOWN;
    } else if (r.destinationService() != null) {
      service = r.destinationService();
      serviceName = shortName(service);
      namespace = orUnknown(r.destinationNamespace());
    } else if (r.outcome() == RouteDecision.Outcome.PASSTHROUGH && r.service() == null) {
      service = requestedHosts.admit(requested);
      serviceName = PASSTHROUGH;
      namespace = UNKNOWN;
    } else if (r.service() != null && r.outcome() == RouteDecision.Outcome.ROUTE) {
      // Answered before a destination was picked (fault abort, redirect, direct response).
      service = r.service();
      serviceName = shortName(service);
      namespace = orUnknown(r.serviceNamespace());
    } else {
      // No route matched: the sidecar has no cluster to name, so it names the Host.
      service = requestedHosts.admit(requested);
      serviceName = service;
      namespace = UNKNOWN;
    }
    if (r != null && r.outcome() == RouteDecision.Outcome.BLACKHOLE) {
      serviceName = BLACKHOLE;
    }
    String peerPrincipal = call.peerPrincipal();
    boolean mutualTls = peerPrincipal != null && !peerPrincipal.isEmpty();
    PeerLabels.Peer peer = upstreamPeers.of(call.peerMetadata());
    if (peer != null) {
      // What the upstream's sidecar said it is wins over the endpoint's labels (istio_stats reads
      // the endpoint metadata only when no peer metadata came): the namespace from the
      // certificate when there is one, the principal from the certificate, else the metadata's
      // IDENTITY.
      String sanNamespace = peerPrincipal == null ? null : principalNamespace(peerPrincipal);
      String peerNamespace = sanNamespace != null && !sanNamespace.isEmpty() ? sanNamespace : peer.namespace();
      return new Destination(service, serviceName,
          UNKNOWN.equals(namespace) ? orUnknown(peerNamespace) : namespace,
          orUnknown(peer.workload()),
          orUnknown(peerNamespace),
          orUnknown(peer.app()),
          orUnknown(peer.version()),
          orUnknown(peer.canonicalService()),
          orLatest(peer.canonicalRevision()),
          orUnknown(peer.cluster()),
          mutualTls ? peerPrincipal : orUnknown(peer.identity()),
          orUnknown(call.localPrincipal()),
          mutualTls);
    }
    boolean member = endpoint != null && r != null && r.destinationNamespace() != null;
    // What istiod's endpoint metadata (istio.workload) tells the sidecar: the endpoint's workload
    // and cluster, which mesh4j's sources put in its labels.
    String workload = labels.get(WORKLOAD_NAME_LABEL);
    return new Destination(service, serviceName, namespace,
        orUnknown(workload),
        member ? r.destinationNamespace() : UNKNOWN,
        orUnknown(labels.get("app")),
        orUnknown(labels.get("version")),
        endpoint == null ? UNKNOWN : orUnknown(canonicalService(labels, workload)),
        endpoint == null ? "latest" : canonicalRevision(labels),
        orUnknown(labels.get(CLUSTER_LABEL)),
        // As the sidecar reports them: the URI SANs of the mutual-TLS connection, else unknown.
        orUnknown(peerPrincipal),
        orUnknown(call.localPrincipal()),
        mutualTls);
  }

  /** All 25 labels. */
  Attributes attributes(Destination d, MeshCall call) {
    AttributesBuilder b = source.toBuilder()
        .put(SOURCE_PRINCIPAL, d.sourcePrincipal())
        .put(DESTINATION_WORKLOAD, d.workload())
        .put(DESTINATION_WORKLOAD_NAMESPACE, d.workloadNamespace())
        .put(DESTINATION_PRINCIPAL, d.principal())
        // Envoy's client-side reporter always says "unknown" (istio_stats.cc computes the policy
        // only as the server). mesh4j verified the server's workload certificate itself, so it
        // reports what it knows: "mutual_tls" over Istio's mutual TLS, as the server's sidecar
        // would; "unknown" otherwise, as Envoy's client does.
        .put(CONNECTION_SECURITY_POLICY, d.mutualTls() ? MUTUAL_TLS : UNKNOWN)
        .put(DESTINATION_APP, d.app())
        .put(DESTINATION_VERSION, d.version())
        .put(DESTINATION_SERVICE, d.service())
        .put(DESTINATION_SERVICE_NAME, d.serviceName())
        .put(DESTINATION_SERVICE_NAMESPACE, d.serviceNamespace())
        .put(DESTINATION_CANONICAL_SERVICE, d.canonicalService())
        .put(DESTINATION_CANONICAL_REVISION, d.canonicalRevision())
        .put(DESTINATION_CLUSTER, d.cluster())
        .put(REQUEST_PROTOCOL, call.isGrpc() ? "grpc" : "http")
        .put(RESPONSE_FLAGS, call.responseFlags().isEmpty() ? "-" : call.responseFlags())
        .put(RESPONSE_CODE, Integer.toString(call.status()))
        .put(GRPC_RESPONSE_STATUS, call.isGrpc() && call.grpcStatus() != null ? grpcStatuses.admit(call.grpcStatus()) : "");
    return b.build();
  }

  /**
   * The service's short name as the sidecar's cluster metadata names it: {@code reviews} for
   * {@code reviews.default.svc.cluster.local}, the host itself for other hosts.
   */
  String shortName(String host) {
    String svc = ".svc." + domainSuffix;
    if (host.endsWith(svc)) {
      int dot = host.indexOf('.');
      return host.substring(0, dot);
    }
    return host;
  }

  /** Istio's injector's fallbacks for {@code service.istio.io/canonical-name}. */
  private static @Nullable String canonicalService(Map<String, String> labels, @Nullable String workloadName) {
    String v = labels.get("service.istio.io/canonical-name");
    if (v == null) {
      v = labels.get("app.kubernetes.io/name");
    }
    if (v == null) {
      v = labels.get("app");
    }
    return v != null ? v : workloadName;
  }

  /** Istio's injector's fallbacks for {@code service.istio.io/canonical-revision}. */
  private static String canonicalRevision(Map<String, String> labels) {
    String v = labels.get("service.istio.io/canonical-revision");
    if (v == null) {
      v = labels.get("app.kubernetes.io/version");
    }
    if (v == null) {
      v = labels.get("version");
    }
    return v != null ? v : "latest";
  }

  private static String orLatest(String v) {
    return v.isEmpty() ? "latest" : v;
  }

  private static String orUnknown(@Nullable String v) {
    return v == null || v.isEmpty() ? UNKNOWN : v;
  }
}
