/**
 * Reading Istio manifests into the {@code dev.mesh4j.api.config} model, validating them as
 * Istio does. Internal: not part of mesh4j's API and may change at any time.
 *
 * <p>Decoding and validation are one pass: each decoder reads the fields it knows through a
 * {@link dev.mesh4j.core.internal.config.Node}, which knows its field path, records every
 * problem in a shared {@link dev.mesh4j.core.internal.common.Problems} and warns about the fields
 * nobody read. A decoder never throws for bad input; it records the problem and returns what it
 * could read, so that one load reports all problems. What it returns keeps an invalid value as
 * written wherever the model can hold it (a negative weight, an invalid host, a redirect with two
 * exclusive fields): a resource with errors is never applied, and keeping its values lets the
 * resource stand for its YAML.
 *
 * <p>Resources built in code are validated by the same decoders:
 * {@link dev.mesh4j.core.internal.config.ManifestWriter} writes a resource as its manifest and
 * {@link dev.mesh4j.core.internal.config.ManifestReader#validate} decodes that, so a resource gets
 * the problems its YAML would get, at the same field paths. There is one validator.
 *
 * <p>The rules are those of istio/istio {@code pkg/config/validation} (the webhook), plus a few
 * of its CRD schema, and each check names the Istio function it follows. What Istio rejects is an
 * error, what it only warns about is a warning, with Istio's wording; Istio's own test tables run
 * against this package ({@code IstioValidationCasesTest}). mesh4j differs deliberately where it
 * runs in a client and not in a proxy:
 * <ul>
 *   <li>Fields a client cannot apply are validated as Istio's, then ignored with a warning: TCP
 *       and TLS routes, ports that are not HTTP, unix socket and address-less endpoints,
 *       {@code egressProxy}, {@code tunnel}, {@code proxyProtocol}, {@code retryBudget.budgetInterval},
 *       per-port egress listeners (their hosts apply to every port), JWT claim matches (there is
 *       no validated token, so they never hold), an abort without a status, a consistent hash
 *       without a key, a ServiceEntry's workloadSelector with DNS resolution.
 *   <li>Inbound-only parts (Sidecar ingress, inbound pools, CORS) are validated and not used.
 *   <li>A dot-less ServiceEntry host names a service of its namespace (SPEC §2), which is
 *       resolution, not validation.
 *   <li>The deprecated integer {@code fault.*.percent}, which Istio does not check, is capped to
 *       0..100 with a warning.
 * </ul>
 */
@NullMarked
package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Problems;
import org.jspecify.annotations.NullMarked;
