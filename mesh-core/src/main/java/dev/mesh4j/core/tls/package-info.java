/**
 * TLS origination as every transport does it ({@code DestinationRule} {@code tls} SIMPLE and
 * MUTUAL): certificate material read from its files ({@link dev.mesh4j.core.tls.TlsMaterial}),
 * contexts rebuilt when the files change ({@link dev.mesh4j.core.tls.TlsOrigination}), and the
 * server's certificate checked against the names the mesh expects
 * ({@link dev.mesh4j.core.tls.SubjectAltNames}). Only the JDK's TLS classes: each transport wraps
 * the result into what its HTTP client takes.
 */
@NullMarked
package dev.mesh4j.core.tls;

import org.jspecify.annotations.NullMarked;
