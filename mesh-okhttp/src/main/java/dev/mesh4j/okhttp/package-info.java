/**
 * The OkHttp transport of mesh4j: {@link dev.mesh4j.okhttp.MeshOkHttp} installs a
 * {@link dev.mesh4j.core.Mesh} into an OkHttp client so that every call, synchronous or
 * asynchronous, is routed, balanced and answered as an Istio sidecar would.
 */
@NullMarked
package dev.mesh4j.okhttp;

import org.jspecify.annotations.NullMarked;
