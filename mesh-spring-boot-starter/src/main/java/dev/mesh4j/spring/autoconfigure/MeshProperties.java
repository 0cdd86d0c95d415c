package dev.mesh4j.spring.autoconfigure;

import dev.mesh4j.api.config.OutboundTrafficPolicy;
import dev.mesh4j.core.context.TraceFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mesh.*} properties. Mapped onto {@code Mesh.builder()} by the starter; mesh4j itself
 * never sees them. docs/spring-boot.md lists them with their defaults.
 */
@ConfigurationProperties("mesh")
public class MeshProperties {

  /** Whether mesh4j meshes this application's HTTP clients. */
  private boolean enabled = true;

  /**
   * Where the Istio manifests are: files and folders, with "classpath:" or "file:" prefixes (a
   * location without one is a file path). A folder is read with every *.yaml, *.yml and *.json
   * file under it.
   */
  private List<String> configLocations = new ArrayList<>(List.of(MeshConfigSources.DEFAULT_LOCATION));

  /**
   * Whether the application fails to start when its Istio configuration is invalid. When false it
   * starts with no configuration, reports DOWN on the "mesh" health indicator and applies the
   * first valid configuration a reload finds.
   */
  private boolean failFast = true;

  /** The mesh-wide outbound traffic policy; Istio's default is ALLOW_ANY. */
  private @Nullable OutboundTrafficPolicy outboundTrafficPolicy;

  /** Whether to log each request in Envoy's access-log format on logger "dev.mesh4j.accesslog". */
  private final AccessLog accessLog = new AccessLog();

  private final Workload workload = new Workload();

  private final Propagation propagation = new Propagation();

  private final Reload reload = new Reload();

  private final Metrics metrics = new Metrics();

  private final Identity identity = new Identity();

  /**
   * Services and their endpoints declared here, for applications without ServiceEntry YAML: what
   * Kubernetes Services are to a sidecar. Keyed by host ("reviews", or "[reviews.prod]" for a
   * name with dots).
   */
  private Map<String, Service> services = new LinkedHashMap<>();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public List<String> getConfigLocations() {
    return configLocations;
  }

  public void setConfigLocations(List<String> configLocations) {
    this.configLocations = configLocations;
  }

  public boolean isFailFast() {
    return failFast;
  }

  public void setFailFast(boolean failFast) {
    this.failFast = failFast;
  }

  public @Nullable OutboundTrafficPolicy getOutboundTrafficPolicy() {
    return outboundTrafficPolicy;
  }

  public void setOutboundTrafficPolicy(@Nullable OutboundTrafficPolicy outboundTrafficPolicy) {
    this.outboundTrafficPolicy = outboundTrafficPolicy;
  }

  public AccessLog getAccessLog() {
    return accessLog;
  }

  public Workload getWorkload() {
    return workload;
  }

  public Propagation getPropagation() {
    return propagation;
  }

  public Reload getReload() {
    return reload;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  public Identity getIdentity() {
    return identity;
  }

  public Map<String, Service> getServices() {
    return services;
  }

  public void setServices(Map<String, Service> services) {
    this.services = services;
  }

  /** The workload this application is, as a sidecar would know its pod. */
  public static class Workload {
    /** The workload's namespace. Defaults to the POD_NAMESPACE environment variable, else "default". */
    private @Nullable String namespace;

    /** The workload's name. Defaults to spring.application.name. */
    private @Nullable String name;

    /**
     * The workload's labels (app, version, ...), matched by sourceLabels and reported in metrics.
     * "app" defaults to spring.application.name.
     */
    private Map<String, String> labels = new LinkedHashMap<>();

    /** The workload's service account. Defaults to the SERVICE_ACCOUNT environment variable, else "default". */
    private @Nullable String serviceAccount;

    /** The cluster id reported as source_cluster; Istio's default is "Kubernetes". */
    private @Nullable String cluster;

    /** The workload's IP, hashed by useSourceIp. Defaults to the POD_IP environment variable. */
    private @Nullable String ip;

    /** The gateways this workload acts as; by default only "mesh", an ordinary sidecar. */
    private List<String> gateways = new ArrayList<>();

    public @Nullable String getNamespace() {
      return namespace;
    }

    public void setNamespace(@Nullable String namespace) {
      this.namespace = namespace;
    }

    public @Nullable String getName() {
      return name;
    }

    public void setName(@Nullable String name) {
      this.name = name;
    }

    public Map<String, String> getLabels() {
      return labels;
    }

    public void setLabels(Map<String, String> labels) {
      this.labels = labels;
    }

    public @Nullable String getServiceAccount() {
      return serviceAccount;
    }

    public void setServiceAccount(@Nullable String serviceAccount) {
      this.serviceAccount = serviceAccount;
    }

    public @Nullable String getCluster() {
      return cluster;
    }

    public void setCluster(@Nullable String cluster) {
      this.cluster = cluster;
    }

    public @Nullable String getIp() {
      return ip;
    }

    public void setIp(@Nullable String ip) {
      this.ip = ip;
    }

    public List<String> getGateways() {
      return gateways;
    }

    public void setGateways(List<String> gateways) {
      this.gateways = gateways;
    }
  }

  /** What goes from the inbound request being handled to every outbound call. */
  public static class Propagation {
    /** The trace-context formats written on outbound requests; all formats are always read. */
    private List<TraceFormat> formats = new ArrayList<>(List.of(TraceFormat.W3C, TraceFormat.B3_MULTI));

    /** Headers of inbound requests to carry to outbound calls and route on, e.g. end-user. */
    private List<String> headers = new ArrayList<>();

    public List<TraceFormat> getFormats() {
      return formats;
    }

    public void setFormats(List<TraceFormat> formats) {
      this.formats = formats;
    }

    public List<String> getHeaders() {
      return headers;
    }

    public void setHeaders(List<String> headers) {
      this.headers = headers;
    }
  }

  /** Hot reload of the files under mesh.config-locations. */
  public static class Reload {
    /** Whether changed files are applied without a restart. */
    private boolean enabled = true;

    /** How often the files are checked for changes. */
    private Duration interval = Duration.ofSeconds(5);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }
  }

  /** The Envoy access log. */
  public static class AccessLog {
    /** Whether to log one line per request at INFO on logger "dev.mesh4j.accesslog". */
    private boolean enabled;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /**
   * The workload identity (an Istio workload certificate) presented under Istio's mutual TLS and
   * served as the SSL bundle "mesh", read from the files Istio's agent writes.
   */
  public static class Identity {
    /**
     * Whether the application has a workload identity. Without one, ISTIO_MUTUAL fails closed
     * and endpoints labelled "security.istio.io/tlsMode: istio" get plain text.
     */
    private boolean enabled;

    /**
     * The folder holding cert-chain.pem, key.pem and root-cert.pem. Default: the first of
     * Istio's folders that has them, /var/lib/istio/data (OUTPUT_CERTS) and
     * /var/run/secrets/workload-spiffe-credentials.
     */
    private @Nullable Path directory;

    /** The certificate chain file, when not cert-chain.pem in the directory (set all three files). */
    private @Nullable Path certChain;

    /** The private key file (PKCS#1, SEC1 or PKCS#8 PEM), when not key.pem in the directory. */
    private @Nullable Path privateKey;

    /** The mesh's root certificates, when not root-cert.pem in the directory. */
    private @Nullable Path rootCert;

    /** How often the files are checked for a rotated certificate. */
    private Duration checkInterval = Duration.ofSeconds(10);

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable Path getDirectory() {
      return directory;
    }

    public void setDirectory(@Nullable Path directory) {
      this.directory = directory;
    }

    public @Nullable Path getCertChain() {
      return certChain;
    }

    public void setCertChain(@Nullable Path certChain) {
      this.certChain = certChain;
    }

    public @Nullable Path getPrivateKey() {
      return privateKey;
    }

    public void setPrivateKey(@Nullable Path privateKey) {
      this.privateKey = privateKey;
    }

    public @Nullable Path getRootCert() {
      return rootCert;
    }

    public void setRootCert(@Nullable Path rootCert) {
      this.rootCert = rootCert;
    }

    public Duration getCheckInterval() {
      return checkInterval;
    }

    public void setCheckInterval(Duration checkInterval) {
      this.checkInterval = checkInterval;
    }
  }

  /** Istio's metrics in Micrometer. */
  public static class Metrics {
    /**
     * Whether Istio's standard metrics (istio_requests_total, ...) are recorded in Micrometer's
     * registries when Micrometer is present.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** A service declared in properties. */
  public static class Service {
    /** The service port the application calls. */
    private int port = 80;

    /** The endpoints behind that port. */
    private List<ServiceEndpoint> endpoints = new ArrayList<>();

    public int getPort() {
      return port;
    }

    public void setPort(int port) {
      this.port = port;
    }

    public List<ServiceEndpoint> getEndpoints() {
      return endpoints;
    }

    public void setEndpoints(List<ServiceEndpoint> endpoints) {
      this.endpoints = endpoints;
    }
  }

  /** One endpoint of a service declared in properties. */
  public static class ServiceEndpoint {
    /** The endpoint's IP address or host name. */
    private @Nullable String address;

    /** The port to connect to; defaults to the service port. */
    private @Nullable Integer port;

    /** The endpoint's labels, which DestinationRule subsets select on (version: v1). */
    private Map<String, String> labels = new LinkedHashMap<>();

    /** The load-balancing weight. */
    private int weight = 1;

    public @Nullable String getAddress() {
      return address;
    }

    public void setAddress(@Nullable String address) {
      this.address = address;
    }

    public @Nullable Integer getPort() {
      return port;
    }

    public void setPort(@Nullable Integer port) {
      this.port = port;
    }

    public Map<String, String> getLabels() {
      return labels;
    }

    public void setLabels(Map<String, String> labels) {
      this.labels = labels;
    }

    public int getWeight() {
      return weight;
    }

    public void setWeight(int weight) {
      this.weight = weight;
    }
  }
}
