/**
 * Mutual TLS with the workload's identity, for transports and servers: reading the identity Istio's
 * agent writes ({@link dev.mesh4j.core.tls.IdentityFiles}), PEM certificates and keys
 * ({@link dev.mesh4j.core.tls.Pem}), and the contexts, peer checks and ALPN values of Istio's mutual
 * TLS ({@link dev.mesh4j.core.tls.MeshTls}). Transport-neutral: the OkHttp transport, a JDK
 * {@code HttpClient} transport and the Spring Boot starter's server bundle use the same pieces.
 */
@NullMarked
package dev.mesh4j.core.tls;

import org.jspecify.annotations.NullMarked;
