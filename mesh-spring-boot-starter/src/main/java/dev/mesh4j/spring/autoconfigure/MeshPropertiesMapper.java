package dev.mesh4j.spring.autoconfigure;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.ServiceRegistry;
import dev.mesh4j.core.context.TraceFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;

/**
 * Maps {@link MeshProperties} (and the environment's defaults) onto mesh4j's API: a
 * {@link Workload}, {@link Mesh.Builder} settings and {@link ServiceRegistry} entries. The only
 * place where Spring properties meet mesh4j.
 */
final class MeshPropertiesMapper {
  /** Kubernetes' downward API names, as Istio's own injection templates set them. */
  static final String POD_NAMESPACE = "POD_NAMESPACE";
  static final String SERVICE_ACCOUNT = "SERVICE_ACCOUNT";
  static final String POD_IP = "POD_IP";

  private final MeshProperties properties;
  private final Environment environment;

  MeshPropertiesMapper(MeshProperties properties, Environment environment) {
    this.properties = properties;
    this.environment = environment;
  }

  /**
   * The workload: {@code mesh.workload.*}, else the pod's environment variables, else the
   * application's name.
   */
  Workload workload() {
    return workload(Map.of(), null);
  }

  /**
   * The workload, with what the application's own Pod says ({@code podLabels},
   * {@code podServiceAccount}) between the explicit {@code mesh.workload.*} properties, which
   * win, and the defaults.
   */
  Workload workload(Map<String, String> podLabels, @Nullable String podServiceAccount) {
    MeshProperties.Workload w = properties.getWorkload();
    Workload.Builder b = Workload.builder();
    b.namespace(first(w.getNamespace(), environment.getProperty(POD_NAMESPACE), Workload.DEFAULT_NAMESPACE));
    String appName = blankToNull(environment.getProperty("spring.application.name"));
    String name = first(w.getName(), appName, null);
    if (name != null) {
      b.name(name);
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (appName != null) {
      labels.put("app", appName);
    }
    labels.putAll(podLabels);
    labels.putAll(w.getLabels());
    b.labels(labels);
    String account = first(w.getServiceAccount(), environment.getProperty(SERVICE_ACCOUNT), podServiceAccount);
    if (account != null) {
      b.serviceAccount(account);
    }
    if (blankToNull(w.getCluster()) != null) {
      b.clusterId(w.getCluster());
    }
    String ip = first(w.getIp(), environment.getProperty(POD_IP), null);
    if (ip != null) {
      b.ip(ip);
    }
    if (!w.getGateways().isEmpty()) {
      b.gateways(w.getGateways().toArray(String[]::new));
    }
    if (properties.getOutboundTrafficPolicy() != null) {
      b.outboundTrafficPolicy(properties.getOutboundTrafficPolicy());
    }
    return b.build();
  }

  /** Fills a builder with everything the properties say, except config sources and listeners. */
  Mesh.Builder configure(Mesh.Builder builder) {
    builder.workload(workload());
    MeshProperties.Propagation p = properties.getPropagation();
    builder.propagation(p.getFormats().toArray(TraceFormat[]::new));
    builder.propagatedHeaders(p.getHeaders().toArray(String[]::new));
    builder.accessLog(properties.getAccessLog().isEnabled());
    return builder;
  }

  /** Registers the services of {@code mesh.services} in a registry. */
  void registerServices(ServiceRegistry registry) {
    properties.getServices().forEach((host, service) -> {
      List<Endpoint> endpoints = new ArrayList<>();
      for (MeshProperties.ServiceEndpoint e : service.getEndpoints()) {
        if (blankToNull(e.getAddress()) == null) {
          throw new IllegalArgumentException("mesh.services." + host + ".endpoints: an endpoint has no address");
        }
        int port = e.getPort() != null ? e.getPort() : service.getPort();
        endpoints.add(new Endpoint(e.getAddress(), port, e.getLabels(), e.getWeight(), null));
      }
      registry.register(host, service.getPort(), endpoints);
    });
  }

  private static @Nullable String first(@Nullable String a, @Nullable String b, @Nullable String c) {
    if (blankToNull(a) != null) {
      return a;
    }
    return blankToNull(b) != null ? b : c;
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
