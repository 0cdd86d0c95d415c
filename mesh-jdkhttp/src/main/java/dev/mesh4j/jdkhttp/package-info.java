/**
 * The JDK {@code HttpClient} transport of mesh4j: {@link dev.mesh4j.jdkhttp.MeshJdkHttp} makes a
 * {@link java.net.http.HttpClient} whose requests, synchronous or asynchronous, go through a
 * {@link dev.mesh4j.core.Mesh}: routed, balanced, retried and answered as an Istio sidecar would.
 */
@NullMarked
package dev.mesh4j.jdkhttp;

import org.jspecify.annotations.NullMarked;
