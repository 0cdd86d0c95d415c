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
 * Istio does and reports every problem at once in a
 * {@link dev.mesh4j.api.config.MeshConfigException}.
 *
 * <h2>Building configuration in code</h2>
 *
 * <p>Every record of the model has a builder: {@code builder()}, or {@code builder(name)} for the
 * resource kinds, and {@code toBuilder()} for a builder pre-filled from an existing value. The
 * methods carry the names of Istio's YAML fields, so that the YAML of Istio's reference reads
 * straight across into Java:
 *
 * <pre>{@code
 * VirtualService reviews = VirtualService.builder("reviews")
 *     .hosts("reviews")
 *     .http(HttpRoute.builder()
 *         .match(HttpMatchRequest.builder().header("end-user", StringMatch.exact("jason")))
 *         .route(Destination.of("reviews", "v2")))
 *     .http(HttpRoute.builder()
 *         .route(Destination.of("reviews", "v3")))
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>List fields accumulate: each call appends ({@code .hosts("a", "b")}, one
 *       {@code .http(route)} per route). Map fields have a method per entry
 *       ({@code .label("version", "v2")}) and one taking a map; both add. Other setters replace.
 *   <li>Wherever a nested value is expected, its builder is accepted too and built at once.
 *   <li>Arguments must not be null. As in Istio, where an empty string or a 0 means "unset" for a
 *       field, the builder records it as unset, exactly as the loader reads that value from YAML.
 *       Header names are lower-cased, as the loader does.
 *   <li>Builders do not validate: weights, regexes, ports, durations and which fields exclude
 *       each other are checked by the mesh when it applies the configuration, with the same
 *       messages and field paths as for YAML, naming the resource by kind, namespace and name
 *       ({@code VirtualService default/reviews spec.http[0].route[0].weight: weight -5 < 0}):
 *       {@code Mesh.builder().config(...).build()} and {@code mesh.apply(...)} throw
 *       {@link dev.mesh4j.api.config.MeshConfigException}, a source delivering resources per
 *       resource has the invalid one rejected. A required string left unset is empty, which the
 *       mesh rejects; a required value of another kind left unset (a destination, a delay's
 *       duration) makes {@code build()} throw {@link IllegalStateException}.
 *   <li>A resource's namespace left unset is empty: the resource belongs to the namespace of the
 *       workload the configuration is applied to, as a YAML document without
 *       {@code metadata.namespace} does. Its origin is
 *       {@link dev.mesh4j.api.config.ConfigOrigin#PROGRAMMATIC} unless set.
 *   <li>Builders are not thread-safe. {@code build()} may be called any number of times, with
 *       changes in between; each call returns a new immutable value.
 * </ul>
 */
@NullMarked
package dev.mesh4j.api.config;

import org.jspecify.annotations.NullMarked;
