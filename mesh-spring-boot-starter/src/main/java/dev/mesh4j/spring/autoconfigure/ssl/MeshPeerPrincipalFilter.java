package dev.mesh4j.spring.autoconfigure.ssl;

import dev.mesh4j.api.runtime.WorkloadIdentity;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Sets {@value MeshSslBundles#PEER_PRINCIPAL_ATTRIBUTE} to the SPIFFE ID of the client's
 * certificate (its first {@code spiffe://} URI SAN), for requests that came over TLS with one — the
 * identity a sidecar'd client presented under Istio's mutual TLS. Requests without a client
 * certificate pass unchanged.
 */
public final class MeshPeerPrincipalFilter extends OncePerRequestFilter implements Ordered {
  /** Before the mesh's context filter, so that the principal is there for everything else. */
  public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 5;
  private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getAttribute(CERTIFICATES) instanceof X509Certificate[] certificates && certificates.length > 0) {
      String principal = WorkloadIdentity.spiffeId(certificates[0]);
      if (principal != null) {
        request.setAttribute(MeshSslBundles.PEER_PRINCIPAL_ATTRIBUTE, principal);
      }
    }
    chain.doFilter(request, response);
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
