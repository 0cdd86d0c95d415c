/**
 * The inbound side: servlet and WebFlux filters that capture each request's context for the
 * meshed calls made while handling it.
 */
@NullMarked
package dev.mesh4j.spring.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
