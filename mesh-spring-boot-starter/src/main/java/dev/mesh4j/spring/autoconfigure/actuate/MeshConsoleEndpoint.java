package dev.mesh4j.spring.autoconfigure.actuate;

import static java.util.Objects.requireNonNull;

import dev.mesh4j.console.MeshConsole;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.util.MimeType;

/**
 * The mesh4j console ({@link MeshConsole}) as the web-only actuator endpoint {@code meshconsole},
 * so that it is served where actuator is — the management port, its base path, its security:
 *
 * <ul>
 *   <li>{@code GET /actuator/meshconsole}: the page (one document, script and style inline);
 *   <li>{@code GET /actuator/meshconsole/state}: the live JSON document the page polls;
 *   <li>{@code GET /actuator/meshconsole/explain?url=…&method=…&header=name:value}: what the mesh
 *       would do with a request, sending nothing.
 * </ul>
 *
 * Every operation only reads, so {@code read-only} access is enough. docs/console.md documents
 * the JSON.
 */
@WebEndpoint(id = "meshconsole")
public class MeshConsoleEndpoint {
  private final MeshConsole console;

  public MeshConsoleEndpoint(MeshConsole console) {
    this.console = requireNonNull(console, "console");
  }

  /** The page. */
  @ReadOperation(produces = "text/html")
  public WebEndpointResponse<byte[]> page() {
    return response(console.handle("", Map.of()));
  }

  /**
   * {@code state} or {@code explain}; anything else is not found. (Optional parameters carry
   * Spring's {@code @Nullable}, which Boot 3.5 and Boot 4 both read as "optional".)
   */
  @ReadOperation(produces = "application/json")
  @SuppressWarnings("deprecation")
  public WebEndpointResponse<byte[]> part(@Selector String part, @org.springframework.lang.Nullable String url,
      @org.springframework.lang.Nullable String method, @org.springframework.lang.Nullable List<String> header) {
    Map<String, List<String>> parameters = new LinkedHashMap<>();
    if (url != null) {
      parameters.put("url", List.of(url));
    }
    if (method != null) {
      parameters.put("method", List.of(method));
    }
    if (header != null) {
      parameters.put("header", header);
    }
    return response(console.handle(part, parameters));
  }

  private static WebEndpointResponse<byte[]> response(MeshConsole.Response r) {
    return new WebEndpointResponse<>(r.body(), r.status(), MimeType.valueOf(r.contentType()));
  }
}
