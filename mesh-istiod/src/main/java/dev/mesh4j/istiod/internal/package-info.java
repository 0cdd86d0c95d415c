/**
 * The insides of the istiod source: the ADS stream, the Envoy-to-Istio mapping and the view the
 * source hands the mesh. Not API: anything here may change in any release.
 */
@NullMarked
package dev.mesh4j.istiod.internal;

import org.jspecify.annotations.NullMarked;
