/**
 * Extension points of mesh4j: where configuration and endpoints come from.
 *
 * <p>A {@link dev.mesh4j.api.spi.MeshSource} delivers Istio resources and services with their
 * endpoints to a mesh, as whole sets or as changes, through the
 * {@link dev.mesh4j.api.spi.SourceContext} the mesh hands it. The mesh validates what arrives,
 * compiles it off the request path and swaps one immutable snapshot; requests in flight finish on
 * the snapshot they started with. Manifest files, classpath resources, strings and configuration
 * built in code are sources like the Kubernetes API and istiod; several sources combine.
 *
 * <p>Each type documents its threading contract.
 */
@NullMarked
package dev.mesh4j.api.spi;

import org.jspecify.annotations.NullMarked;
