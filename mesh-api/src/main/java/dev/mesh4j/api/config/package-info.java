/**
 * The Istio networking model mesh4j reads: {@code VirtualService}, {@code DestinationRule},
 * {@code ServiceEntry}, {@code WorkloadEntry}, {@code Sidecar} and {@code Gateway}, as immutable
 * records.
 *
 * <p>Field names follow the Istio API (networking.istio.io {@code v1alpha3}, {@code v1beta1} and
 * {@code v1} share one schema). Optional scalar fields that Istio wraps ({@code UInt32Value},
 * {@code Duration}, …) are {@code @Nullable} here so that "unset" stays distinguishable from a
 * zero value; collections are never null (absent means empty). Every record is immutable and
 * thread-safe: constructors take defensive copies.
 *
 * <p>Values of this package are normally produced by the mesh4j loader, which validates them as
 * Istio does and reports every problem at once in a {@link dev.mesh4j.api.config.MeshConfigException}.
 */
@NullMarked
package dev.mesh4j.api.config;

import org.jspecify.annotations.NullMarked;
