package dev.mesh4j.api.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Per-endpoint ejection of failing endpoints ({@code OutlierDetection}). Unset fields take
 * Istio's defaults when the block is present.
 *
 * @param consecutiveErrors deprecated; consecutive gateway errors in old Istio
 * @param splitExternalLocalOriginErrors whether local-origin failures are counted apart
 * @param consecutiveLocalOriginFailures local-origin failures before ejection (with split)
 * @param consecutiveGatewayErrors 502/503/504 responses before ejection
 * @param consecutive5xxErrors 5xx responses before ejection (default 5; 0 disables)
 * @param interval the sweep interval (default 10s)
 * @param baseEjectionTime the base ejection time (default 30s)
 * @param maxEjectionPercent the most endpoints ejected, percent (default 10)
 * @param minHealthPercent below this share of healthy endpoints the balancer panics (default 0)
 */
public record OutlierDetection(
    @Nullable Integer consecutiveErrors,
    @Nullable Boolean splitExternalLocalOriginErrors,
    @Nullable Integer consecutiveLocalOriginFailures,
    @Nullable Integer consecutiveGatewayErrors,
    @Nullable Integer consecutive5xxErrors,
    @Nullable Duration interval,
    @Nullable Duration baseEjectionTime,
    @Nullable Integer maxEjectionPercent,
    @Nullable Integer minHealthPercent) {}
