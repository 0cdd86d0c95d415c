package dev.mesh4j.istiod.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.config.ConnectionPoolSettings;
import dev.mesh4j.api.config.ConsistentHashLb;
import dev.mesh4j.api.config.LoadBalancerSettings;
import dev.mesh4j.api.config.OutlierDetection;
import dev.mesh4j.api.endpoint.Endpoint;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads a CDS {@code Cluster} as istiod's gRPC generator writes it ({@code grpcgen/cds.go}): an
 * EDS cluster per service port and subset whose load-balancing policy, circuit-breaker
 * {@code max_requests} and, for {@code ISTIO_MUTUAL}, upstream TLS context come from the
 * DestinationRule. What a sidecar's clusters carry besides (outlier detection, the other
 * thresholds, connect timeout, slow start) is read too, for servers that send it.
 */
public final class ClusterMapper {
  static final String TLS_TYPE =
      "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";

  private ClusterMapper() {}

  /**
   * One cluster as mesh4j applies it: the policy of one (host, subset, port).
   *
   * @param name the cluster name
   * @param id what the name says: host, subset, port
   * @param edsName the EDS resource with its endpoints, or null for a STATIC cluster
   * @param inlineEndpoints a STATIC cluster's endpoints, or null
   * @param loadBalancer the algorithm; for a hashing policy without its key (the routes give it)
   * @param hashing whether the policy hashes (ring hash or Maglev)
   * @param connectionPool the circuit-breaker thresholds as Istio's connection pool, or null
   * @param outlierDetection outlier detection, or null
   * @param tls the upstream TLS settings, or null for plain text
   */
  public record ClusterModel(String name, ClusterName id, @Nullable String edsName,
      @Nullable List<Endpoint> inlineEndpoints, LoadBalancerSettings loadBalancer,
      boolean hashing, boolean defaultLoadBalancer, @Nullable ConnectionPoolSettings connectionPool,
      @Nullable OutlierDetection outlierDetection, @Nullable ClientTlsSettings tls) {}

  /** Reads {@code c}, or returns null with problems in {@code p}. */
  public static @Nullable ClusterModel map(Cluster c, Problems p, String domainSuffix) {
    ClusterName id = ClusterName.parse(c.getName());
    if (id == null) {
      p.error("name", "\"" + c.getName() + "\" is not an Istio outbound cluster (outbound|port|subset|host)");
      return null;
    }
    String eds = null;
    List<Endpoint> inline = null;
    switch (c.getClusterDiscoveryTypeCase()) {
      case TYPE -> {
        switch (c.getType()) {
          case EDS -> {
            var config = c.getEdsClusterConfig();
            if (config.hasEdsConfig() && !config.getEdsConfig().hasAds() && !config.getEdsConfig().hasSelf()) {
              p.error("eds_cluster_config.eds_config", "mesh4j fetches endpoints over the ADS stream only");
            }
            eds = config.getServiceName().isEmpty() ? c.getName() : config.getServiceName();
          }
          case STATIC -> inline = EndpointMapper.map(c.getLoadAssignment(), p, "load_assignment.");
          default -> p.error("type", c.getType() + " clusters are not supported (istiod writes EDS clusters "
              + "for proxyless clients)");
        }
      }
      default -> p.error("cluster_type", "custom cluster types (aggregate clusters) are not supported");
    }
    LoadBalancerSettings.Builder lb = LoadBalancerSettings.builder();
    boolean hashing = false;
    boolean defaultLb = false;
    switch (c.getLbPolicy()) {
      case ROUND_ROBIN -> {
        lb.simple(LoadBalancerSettings.SimpleLb.ROUND_ROBIN);
        defaultLb = true;
        if (c.hasRoundRobinLbConfig() && c.getRoundRobinLbConfig().hasSlowStartConfig()) {
          lb.warmup(warmup(c.getRoundRobinLbConfig().getSlowStartConfig(), p, "round_robin_lb_config."));
          defaultLb = false;
        }
      }
      case LEAST_REQUEST -> {
        lb.simple(LoadBalancerSettings.SimpleLb.LEAST_REQUEST);
        var config = c.getLeastRequestLbConfig();
        if (config.hasChoiceCount() && config.getChoiceCount().getValue() != 2) {
          p.error("least_request_lb_config.choice_count", config.getChoiceCount().getValue()
              + " (mesh4j picks the better of 2, as Istio configures Envoy)");
        }
        if (config.hasActiveRequestBias() && config.getActiveRequestBias().getDefaultValue() != 1.0) {
          p.error("least_request_lb_config.active_request_bias", "a bias other than 1.0 is not supported");
        }
        if (config.hasSlowStartConfig()) {
          lb.warmup(warmup(config.getSlowStartConfig(), p, "least_request_lb_config."));
        }
      }
      case RANDOM -> lb.simple(LoadBalancerSettings.SimpleLb.RANDOM);
      case RING_HASH -> {
        var config = c.getRingHashLbConfig();
        if (config.getHashFunction() != Cluster.RingHashLbConfig.HashFunction.XX_HASH) {
          p.error("ring_hash_lb_config.hash_function", config.getHashFunction() + " is not supported (mesh4j "
              + "hashes with xxHash, as Envoy does by default)");
        }
        lb.consistentHash(ConsistentHashLb.builder().ringHash(
            config.hasMinimumRingSize() ? config.getMinimumRingSize().getValue() : 0));
        hashing = true;
      }
      case MAGLEV -> {
        lb.consistentHash(ConsistentHashLb.builder().maglev(c.getMaglevLbConfig().hasTableSize()
            ? c.getMaglevLbConfig().getTableSize().getValue() : ConsistentHashLb.DEFAULT_MAGLEV_TABLE_SIZE));
        hashing = true;
      }
      default -> p.error("lb_policy", c.getLbPolicy() + " is not supported");
    }
    if (c.hasLoadBalancingPolicy()) {
      p.error("load_balancing_policy", "load-balancing policy extensions are not supported (mesh4j reads lb_policy)");
    }
    ConnectionPoolSettings pool = circuitBreakers(c, p);
    OutlierDetection outlier = c.hasOutlierDetection() ? outlier(c.getOutlierDetection(), p) : null;
    ClientTlsSettings tls = null;
    if (c.hasTransportSocket()) {
      tls = tls(c.getTransportSocket(), p);
    }
    if (c.getTransportSocketMatchesCount() > 0) {
      p.error("transport_socket_matches", "choosing TLS per endpoint (Istio's auto mTLS for sidecars) is not "
          + "supported");
    }
    return p.isEmpty() ? new ClusterModel(c.getName(), id, eds, inline, lb.build(), hashing, defaultLb, pool,
        outlier, tls) : null;
  }

  private static LoadBalancerSettings.Warmup warmup(
      io.envoyproxy.envoy.config.cluster.v3.Cluster.SlowStartConfig s, Problems p, String path) {
    LoadBalancerSettings.Warmup.Builder w = LoadBalancerSettings.Warmup.builder()
        .duration(Protos.duration(s.getSlowStartWindow()));
    if (s.hasMinWeightPercent()) {
      w.minimumPercent(s.getMinWeightPercent().getValue());
    }
    if (s.hasAggression()) {
      w.aggression(s.getAggression().getDefaultValue());
    }
    return w.build();
  }

  private static @Nullable ConnectionPoolSettings circuitBreakers(Cluster c, Problems p) {
    if (!c.hasCircuitBreakers() && !c.hasConnectTimeout()) {
      return null;
    }
    ConnectionPoolSettings.Tcp.Builder tcp = ConnectionPoolSettings.Tcp.builder();
    ConnectionPoolSettings.Http.Builder http = ConnectionPoolSettings.Http.builder();
    boolean anyTcp = false;
    boolean anyHttp = false;
    if (c.hasConnectTimeout()) {
      tcp.connectTimeout(Protos.duration(c.getConnectTimeout()));
      anyTcp = true;
    }
    CircuitBreakers cb = c.getCircuitBreakers();
    for (int i = 0; i < cb.getThresholdsCount(); i++) {
      CircuitBreakers.Thresholds t = cb.getThresholds(i);
      if (t.getPriority() != RoutingPriority.DEFAULT) {
        continue; // mesh4j has one priority: the default one.
      }
      String path = "circuit_breakers.thresholds[" + i + "].";
      if (t.hasMaxConnections()) {
        tcp.maxConnections(limit(Protos.u32(t.getMaxConnections()), p, path + "max_connections"));
        anyTcp = true;
      }
      if (t.hasMaxPendingRequests()) {
        http.http1MaxPendingRequests(limit(Protos.u32(t.getMaxPendingRequests()), p, path + "max_pending_requests"));
        anyHttp = true;
      }
      if (t.hasMaxRequests()) {
        http.http2MaxRequests(limit(Protos.u32(t.getMaxRequests()), p, path + "max_requests"));
        anyHttp = true;
      }
      if (t.hasMaxRetries()) {
        http.maxRetries(limit(Protos.u32(t.getMaxRetries()), p, path + "max_retries"));
        anyHttp = true;
      }
      if (t.hasRetryBudget()) {
        p.error(path + "retry_budget", "retry budgets are not supported");
      }
    }
    if (!anyTcp && !anyHttp) {
      return null;
    }
    ConnectionPoolSettings.Builder b = ConnectionPoolSettings.builder();
    if (anyTcp) {
      b.tcp(tcp);
    }
    if (anyHttp) {
      b.http(http);
    }
    return b.build();
  }

  /** An Envoy threshold (uint32; Istio writes 2^32-1 for "unlimited") as an Istio limit. */
  private static int limit(long value, Problems p, String path) {
    if (value == 0) {
      p.error(path, "0 (a limit that refuses every request; Istio's limits start at 1)");
      return 1;
    }
    return (int) Math.min(Integer.MAX_VALUE, value);
  }

  private static OutlierDetection outlier(io.envoyproxy.envoy.config.cluster.v3.OutlierDetection o, Problems p) {
    OutlierDetection.Builder b = OutlierDetection.builder();
    boolean fiveXxEnforced = !o.hasEnforcingConsecutive5Xx() || o.getEnforcingConsecutive5Xx().getValue() > 0;
    b.consecutive5xxErrors(!fiveXxEnforced ? 0 : o.hasConsecutive5Xx() ? o.getConsecutive5Xx().getValue() : 5);
    if (o.hasEnforcingConsecutiveGatewayFailure() && o.getEnforcingConsecutiveGatewayFailure().getValue() > 0) {
      b.consecutiveGatewayErrors(o.hasConsecutiveGatewayFailure() ? o.getConsecutiveGatewayFailure().getValue() : 5);
    }
    if (o.getSplitExternalLocalOriginErrors()) {
      b.splitExternalLocalOriginErrors(true);
      if (!o.hasEnforcingConsecutiveLocalOriginFailure() || o.getEnforcingConsecutiveLocalOriginFailure().getValue() > 0) {
        b.consecutiveLocalOriginFailures(o.hasConsecutiveLocalOriginFailure()
            ? o.getConsecutiveLocalOriginFailure().getValue() : 5);
      }
    }
    if (o.hasInterval()) {
      b.interval(Protos.duration(o.getInterval()));
    }
    if (o.hasBaseEjectionTime()) {
      b.baseEjectionTime(Protos.duration(o.getBaseEjectionTime()));
    }
    if (o.hasMaxEjectionPercent()) {
      b.maxEjectionPercent(o.getMaxEjectionPercent().getValue());
    }
    if (!o.hasEnforcingSuccessRate() || o.getEnforcingSuccessRate().getValue() > 0) {
      // Envoy enforces success-rate ejection unless told not to; istiod always tells it not to.
      p.error("outlier_detection.enforcing_success_rate", "success-rate ejection is not supported (set it to 0, "
          + "as istiod does)");
    }
    if (o.hasEnforcingFailurePercentage() && o.getEnforcingFailurePercentage().getValue() > 0) {
      p.error("outlier_detection.enforcing_failure_percentage", "failure-percentage ejection is not supported");
    }
    return b.build();
  }

  private static @Nullable ClientTlsSettings tls(io.envoyproxy.envoy.config.core.v3.TransportSocket socket,
      Problems p) {
    if (!socket.hasTypedConfig() || !socket.getTypedConfig().getTypeUrl().equals(TLS_TYPE)) {
      p.error("transport_socket", "transport socket " + socket.getName() + " is not supported (mesh4j reads "
          + TLS_TYPE + ")");
      return null;
    }
    UpstreamTlsContext ctx;
    try {
      ctx = socket.getTypedConfig().unpack(UpstreamTlsContext.class);
    } catch (InvalidProtocolBufferException e) {
      p.error("transport_socket.typed_config", "unreadable UpstreamTlsContext: " + e.getMessage());
      return null;
    }
    CommonTlsContext common = ctx.getCommonTlsContext();
    String path = "transport_socket.typed_config.common_tls_context.";
    ClientTlsSettings.Builder b = ClientTlsSettings.builder();
    if (common.hasTlsCertificateProviderInstance() || common.hasTlsCertificateCertificateProviderInstance()) {
      // istiod's certificate provider "default": the workload's own Istio identity.
      b.mode(ClientTlsSettings.TlsMode.ISTIO_MUTUAL);
    } else if (common.getTlsCertificatesCount() > 0 || common.getTlsCertificateSdsSecretConfigsCount() > 0) {
      p.error(path + "tls_certificates", "client certificates given inline or by SDS are not supported: mesh4j "
          + "presents the workload identity it is configured with");
      return null;
    } else {
      b.mode(ClientTlsSettings.TlsMode.SIMPLE);
    }
    CertificateValidationContext validation = common.hasCombinedValidationContext()
        ? common.getCombinedValidationContext().getDefaultValidationContext()
        : common.getValidationContext();
    List<String> sans = new ArrayList<>();
    for (int i = 0; i < validation.getMatchSubjectAltNamesCount(); i++) {
      StringMatcher m = validation.getMatchSubjectAltNames(i);
      if (m.getMatchPatternCase() == StringMatcher.MatchPatternCase.EXACT && !m.getIgnoreCase()) {
        sans.add(m.getExact());
      } else {
        p.error(path + "validation_context.match_subject_alt_names[" + i + "]", "only exact names are supported");
      }
    }
    for (int i = 0; i < validation.getMatchTypedSubjectAltNamesCount(); i++) {
      StringMatcher m = validation.getMatchTypedSubjectAltNames(i).getMatcher();
      if (m.getMatchPatternCase() == StringMatcher.MatchPatternCase.EXACT && !m.getIgnoreCase()) {
        sans.add(m.getExact());
      } else {
        p.error(path + "validation_context.match_typed_subject_alt_names[" + i + "]", "only exact names are supported");
      }
    }
    if (!sans.isEmpty()) {
      b.subjectAltNames(sans);
    }
    if (b.build().mode() == ClientTlsSettings.TlsMode.SIMPLE && validation.hasTrustedCa()) {
      if (validation.getTrustedCa().getSpecifierCase()
          == io.envoyproxy.envoy.config.core.v3.DataSource.SpecifierCase.FILENAME) {
        b.caCertificates(validation.getTrustedCa().getFilename());
      } else {
        p.error(path + "validation_context.trusted_ca", "only a CA file name is supported");
      }
    }
    if (!ctx.getSni().isEmpty()) {
      b.sni(ctx.getSni());
    }
    return b.build();
  }
}
