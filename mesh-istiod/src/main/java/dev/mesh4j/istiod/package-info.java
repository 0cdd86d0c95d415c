/**
 * istiod as mesh4j's control plane: {@link dev.mesh4j.istiod.IstiodSource}, an xDS (ADS) client
 * of istiod that feeds a mesh through the source SPI.
 */
@NullMarked
package dev.mesh4j.istiod;

import org.jspecify.annotations.NullMarked;
