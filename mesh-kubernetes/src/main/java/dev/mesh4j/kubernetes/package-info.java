/**
 * The Kubernetes API as a source of mesh4j configuration: Istio resources, Services,
 * EndpointSlices and Pods, watched live. Start at {@link dev.mesh4j.kubernetes.KubernetesSource}.
 */
@NullMarked
package dev.mesh4j.kubernetes;

import org.jspecify.annotations.NullMarked;
