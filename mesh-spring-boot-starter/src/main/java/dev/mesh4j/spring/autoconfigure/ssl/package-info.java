/**
 * The server side of Istio's mutual TLS: the SSL bundle {@code mesh}, built from the workload
 * identity and kept current on rotation, for {@code server.ssl.bundle=mesh}.
 */
@NullMarked
package dev.mesh4j.spring.autoconfigure.ssl;

import org.jspecify.annotations.NullMarked;
