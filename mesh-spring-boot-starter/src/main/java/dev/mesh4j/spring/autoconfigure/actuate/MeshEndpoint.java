package dev.mesh4j.spring.autoconfigure.actuate;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.api.runtime.Workload;
import dev.mesh4j.core.Mesh;
import dev.mesh4j.core.explain.Explanation;
import dev.mesh4j.core.explain.MeshSummary;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.spring.autoconfigure.MeshConfigSources;
import dev.mesh4j.spring.autoconfigure.MeshConfigStatus;
import java.util.List;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.jspecify.annotations.Nullable;

/**
 * The {@code mesh} actuator endpoint:
 *
 * <ul>
 *   <li>{@code GET /actuator/mesh}: the workload, the config sources, how loading went, and the
 *       configuration in force — services with their routes, clusters with their endpoints and
 *       which are ejected ({@link Mesh#describe()});
 *   <li>{@code GET /actuator/mesh/reload}: the start-up load and the latest reload;
 *   <li>{@code GET /actuator/mesh/explain?url=http://reviews:9080/r&method=GET&header=end-user:jason}:
 *       what the mesh would do with that request and why ({@link Mesh#explain}), sending nothing.
 *       {@code header} may be repeated.
 * </ul>
 *
 * Every operation only reads, so {@code read-only} access is enough.
 */
@Endpoint(id = "mesh")
public class MeshEndpoint {
  private final Mesh mesh;
  private final MeshConfigStatus status;
  private final @Nullable MeshConfigSources sources;

  public MeshEndpoint(Mesh mesh, MeshConfigStatus status, @Nullable MeshConfigSources sources) {
    this.mesh = requireNonNull(mesh, "mesh");
    this.status = requireNonNull(status, "status");
    this.sources = sources;
  }

  /** The whole picture. */
  @ReadOperation
  public MeshDescriptor mesh() {
    return new MeshDescriptor(mesh.workload(), mesh.propagatedHeaders(), sourceNames(), reload(), mesh.describe());
  }

  /**
   * {@code reload} or {@code explain}; anything else is not found. (Optional parameters carry
   * Spring's {@code @Nullable}, which Boot 3.5 and Boot 4 both read as "optional".)
   */
  @ReadOperation
  @SuppressWarnings("deprecation")
  public @Nullable Object part(@Selector String part, @org.springframework.lang.Nullable String url,
      @org.springframework.lang.Nullable String method, @org.springframework.lang.Nullable List<String> header) {
    return switch (part) {
      case "reload" -> reload();
      case "explain" -> explain(url, method, header);
      default -> null;
    };
  }

  private ReloadDescriptor reload() {
    return new ReloadDescriptor(status.everLoaded(), mesh.version(), status.startup(), status.lastReload());
  }

  private ExplainDescriptor explain(@Nullable String url, @Nullable String method, @Nullable List<String> headers) {
    if (url == null || url.isBlank()) {
      throw new InvalidEndpointRequestException("explain needs a url parameter", "Missing parameter: url");
    }
    MeshRequest.Builder request;
    try {
      request = MeshRequest.builder(url);
      if (method != null && !method.isBlank()) {
        request.method(method);
      }
      if (headers != null) {
        for (String h : headers) {
          int colon = h.indexOf(':');
          if (colon <= 0) {
            throw new InvalidEndpointRequestException("header \"" + h + "\" (expected: name:value)",
                "Invalid header: " + h);
          }
          request.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), "Invalid request: " + e.getMessage());
    }
    Explanation explanation = mesh.explain(request.build());
    return new ExplainDescriptor(explanation.toString(), explanation);
  }

  private List<String> sourceNames() {
    return sources == null ? List.of()
        : sources.sources().stream().map(s -> s.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + s.name()).toList();
  }

  /**
   * The whole picture.
   *
   * @param workload the workload the mesh runs as
   * @param propagatedHeaders the user headers carried from inbound to outbound
   * @param configSources the manifests read, in order
   * @param reload how loading went
   * @param config the configuration in force
   */
  public record MeshDescriptor(Workload workload, List<String> propagatedHeaders, List<String> configSources,
      ReloadDescriptor reload, MeshSummary config) {}

  /**
   * How loading went.
   *
   * @param everLoaded whether a valid configuration was ever in force
   * @param version the configuration version in force
   * @param startup the start-up load, or null when the mesh was not built by the starter
   * @param lastReload the latest reload that found changed files, or null
   */
  public record ReloadDescriptor(boolean everLoaded, long version, MeshConfigStatus.@Nullable Load startup,
      MeshConfigStatus.@Nullable Load lastReload) {}

  /**
   * An explanation.
   *
   * @param text the text rendering, as {@code istioctl x describe} would put it
   * @param explanation every field
   */
  public record ExplainDescriptor(String text, Explanation explanation) {}
}
