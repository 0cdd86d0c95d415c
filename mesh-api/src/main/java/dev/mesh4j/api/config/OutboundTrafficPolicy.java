package dev.mesh4j.api.config;

/** What happens to requests for hosts that are not known services. */
public enum OutboundTrafficPolicy {
  /** Pass them through to the address the application named (Istio's default). */
  ALLOW_ANY,
  /** Answer 502 without sending a byte. */
  REGISTRY_ONLY
}
