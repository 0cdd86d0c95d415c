package dev.mesh4j.core.internal.config;

import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Host-name rules and resolution of short names, as Istio applies them to config hosts.
 * Pure functions; thread-safe.
 */
public final class Hosts {
  private static final Pattern DNS1123_LABEL =
      Pattern.compile("[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?");
  private static final Pattern DNS1123_LABEL_LOWER =
      Pattern.compile("[a-z0-9](?:[-a-z0-9]*[a-z0-9])?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private Hosts() {}

  /**
   * Why a host is not a valid DNS name or wildcard ({@code *.example.com}, or {@code *} when
   * {@code allowStar}), or null when it is.
   */
  public static @Nullable String invalidWildcardDomain(String host, boolean allowStar) {
    if (host.isEmpty()) {
      return "host must not be empty";
    }
    if (host.length() > 255) {
      return "domain name \"" + host + "\" too long (max 255)";
    }
    if (host.equals("*")) {
      return allowStar ? null : "wildcard host \"*\" is not allowed here";
    }
    String rest = host;
    if (host.startsWith("*.")) {
      rest = host.substring(2);
    } else if (host.startsWith("*")) {
      // Istio allows a wildcard prefix only as a whole first label.
      return "invalid host \"" + host + "\": a wildcard must be a whole label (*.example.com)";
    }
    return invalidFqdn(rest, host);
  }

  /** Why a host is not a valid DNS name (no wildcard), or null. */
  public static @Nullable String invalidFqdn(String name, String original) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.isEmpty()) {
      return "invalid host \"" + original + "\"";
    }
    for (String label : n.split("\\.", -1)) {
      if (label.length() > 63) {
        return "invalid host \"" + original + "\": label \"" + label + "\" too long (max 63)";
      }
      if (!DNS1123_LABEL.matcher(label).matches()) {
        return "invalid host \"" + original + "\": \"" + label
            + "\" is not a valid DNS label (letters, digits and '-', not at either end)";
      }
    }
    return null;
  }

  /** Whether a string is a lower-case DNS-1123 label (subset and port names). */
  public static boolean isDns1123Label(String s) {
    return s.length() <= 63 && DNS1123_LABEL_LOWER.matcher(s).matches();
  }

  public static boolean isIpv4(String s) {
    if (!IPV4.matcher(s).matches()) {
      return false;
    }
    for (String part : s.split("\\.")) {
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Whether a string is an IPv4 or IPv6 literal (no brackets). */
  public static boolean isIp(String s) {
    if (isIpv4(s)) {
      return true;
    }
    if (s.indexOf(':') < 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = c == ':' || c == '.' || Character.digit(c, 16) >= 0;
      if (!ok) {
        return false;
      }
    }
    try {
      return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /**
   * The fully qualified name of a config host, as Istio resolves it: a name without a dot is a
   * service in the config's namespace ({@code reviews} in {@code default} is
   * {@code reviews.default.svc.cluster.local}); anything else (wildcards, dotted names) is kept
   * as written, lower-cased.
   */
  public static String resolve(String host, String namespace, String domainSuffix) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.equals("*") || h.indexOf('.') >= 0) {
      return h;
    }
    return h + "." + namespace + ".svc." + domainSuffix;
  }

  /** Whether {@code host} is matched by the wildcard {@code pattern} ({@code *.example.com}). */
  public static boolean wildcardMatches(String pattern, String host) {
    if (pattern.equals("*")) {
      return true;
    }
    if (!pattern.startsWith("*")) {
      return pattern.equals(host);
    }
    String suffix = pattern.substring(1); // ".example.com"
    return host.length() > suffix.length() && host.endsWith(suffix);
  }
}
