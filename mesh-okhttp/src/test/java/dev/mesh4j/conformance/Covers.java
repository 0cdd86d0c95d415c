package dev.mesh4j.conformance;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The lines of {@code istio-samples/INDEX.md} a conformance test checks, named as
 * {@code folder/file.yaml}. {@link ConformanceCompletenessTest} fails when an INDEX line has no
 * test carrying its file here.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Covers {
  String[] value();
}
