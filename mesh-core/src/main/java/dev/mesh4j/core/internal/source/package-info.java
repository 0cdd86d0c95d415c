/**
 * Internal: how a mesh holds what its sources delivered — per source, the last valid resources
 * and services — validates updates (whole set or per resource), and assembles one configuration
 * from all sources; and the built-in file, classpath and string sources, written on the public
 * source SPI only. Not API: may change in any release.
 */
@NullMarked
package dev.mesh4j.core.internal.source;

import org.jspecify.annotations.NullMarked;
