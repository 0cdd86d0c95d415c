/**
 * Mutual TLS with the workload's identity, for transports and servers: reading the identity Istio's
 * agent writes ({@link dev.mesh4j.core.tls.IdentityFiles}), PEM certificates and keys
 * ({@link dev.mesh4j.core.tls.Pem}), and the contexts, peer checks and ALPN values of Istio's mutual
 * TLS ({@link dev.mesh4j.core.tls.MeshTls}). Transport-neutral: the OkHttp transport, a JDK
 * {@code HttpClient} transport and the Spring Boot starter's server bundle use the same pieces.
 *
 * <p>And TLS origination as every transport does it ({@code DestinationRule} {@code tls} SIMPLE and
 * MUTUAL): certificate material read from its files ({@link dev.mesh4j.core.tls.TlsMaterial}),
 * contexts rebuilt when the files change ({@link dev.mesh4j.core.tls.TlsOrigination}), and the
 * server's certificate checked against the names the mesh expects
 * ({@link dev.mesh4j.core.tls.SubjectAltNames}). Only the JDK's TLS classes: each transport wraps
 * the result into what its HTTP client takes.
 */
@NullMarked
package dev.mesh4j.core.tls;

import org.jspecify.annotations.NullMarked;
