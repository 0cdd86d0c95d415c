/**
 * Spring's HTTP client abstractions over a meshed OkHttp client: a {@code ClientHttpRequestFactory}
 * for RestClient and RestTemplate, a {@code ClientHttpConnector} for WebClient.
 */
@NullMarked
package dev.mesh4j.spring.autoconfigure.client;

import org.jspecify.annotations.NullMarked;
