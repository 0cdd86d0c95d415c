package dev.mesh4j.spring.autoconfigure.ssl;

import dev.mesh4j.api.runtime.WorkloadIdentity;
import java.security.cert.X509Certificate;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Sets the exchange attribute {@value MeshSslBundles#PEER_PRINCIPAL_ATTRIBUTE} to the SPIFFE ID
 * of the client's certificate (its first {@code spiffe://} URI SAN), for WebFlux requests that came
 * over TLS with one, as {@link MeshPeerPrincipalFilter} does for servlet requests:
 * {@code exchange.getAttribute(MeshSslBundles.PEER_PRINCIPAL_ATTRIBUTE)}. Requests without a client
 * certificate pass unchanged.
 */
public final class MeshPeerPrincipalWebFilter implements WebFilter, Ordered {

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    SslInfo ssl = exchange.getRequest().getSslInfo();
    X509Certificate[] certificates = ssl == null ? null : ssl.getPeerCertificates();
    if (certificates != null && certificates.length > 0) {
      String principal = WorkloadIdentity.spiffeId(certificates[0]);
      if (principal != null) {
        exchange.getAttributes().put(MeshSslBundles.PEER_PRINCIPAL_ATTRIBUTE, principal);
      }
    }
    return chain.filter(exchange);
  }

  @Override
  public int getOrder() {
    return MeshPeerPrincipalFilter.ORDER;
  }
}
