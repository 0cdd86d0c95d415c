/**
 * What an HTTP transport and the engine exchange: the application's request as the engine sees
 * it ({@link dev.mesh4j.core.http.MeshRequest}), what to send upstream for one attempt
 * ({@link dev.mesh4j.core.http.UpstreamRequest}), responses the engine makes itself
 * ({@link dev.mesh4j.core.http.LocalReply}) and the four operations a transport provides
 * ({@link dev.mesh4j.core.http.Exchange}).
 *
 * <p>The OkHttp module is one transport; others (JDK HttpClient, Apache, Netty) implement the
 * same contract.
 */
@NullMarked
package dev.mesh4j.core.http;

import org.jspecify.annotations.NullMarked;
