package dev.mesh4j.core.internal.common;

import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Host-name and address rules as Istio applies them to config ({@code pkg/config/validation/agent}
 * {@code ValidateFQDN}, {@code ValidateWildcardDomain}, {@code ValidateIPSubnet}, and
 * {@code pkg/config/labels} {@code IsDNS1123Label}), and the resolution of short names. The
 * {@code validate*} methods return Istio's message, or null when the value is valid. Pure
 * functions; thread-safe.
 */
public final class Hosts {
  private static final String LABEL = "[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?";
  /** {@code labels.IsDNS1123Label}: upper case is allowed (Istio's regex has A-Z). */
  private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL);
  /** {@code labels.IsWildcardDNS1123Label}: {@code *}, or a label optionally led by {@code *} or {@code *-}. */
  private static final Pattern WILDCARD_LABEL = Pattern.compile("\\*|(?:\\*|\\*-)?" + LABEL);
  /** Kubernetes object names and namespaces: lower-case DNS-1123 labels/subdomains. */
  private static final Pattern K8S_LABEL = Pattern.compile("[a-z0-9](?:[-a-z0-9]*[a-z0-9])?");
  private static final Pattern IPV4 =
      Pattern.compile("(?:0|[1-9][0-9]{0,2})(?:\\.(?:0|[1-9][0-9]{0,2})){3}");

  private Hosts() {}

  /** {@code labels.IsDNS1123Label}: at most 63 letters, digits and '-', not at either end. */
  public static boolean isDns1123Label(String s) {
    return s.length() <= 63 && DNS1123_LABEL.matcher(s).matches();
  }

  /** A Kubernetes namespace (a lower-case DNS-1123 label), as the API server requires. */
  public static boolean isKubernetesNamespace(String s) {
    return s.length() <= 63 && K8S_LABEL.matcher(s).matches();
  }

  /** A Kubernetes object name (a lower-case DNS-1123 subdomain, at most 253 characters). */
  public static boolean isKubernetesName(String s) {
    if (s.isEmpty() || s.length() > 253) {
      return false;
    }
    for (String label : s.split("\\.", -1)) {
      if (!K8S_LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Istio's {@code ValidateFQDN}: 1..255 characters of DNS-1123 labels whose last label is not
   * all digits (so an IPv4 literal is not a name); a trailing dot is allowed. Short names
   * ({@code reviews}) are valid.
   */
  public static @Nullable String validateFqdn(String fqdn) {
    String pre = preconditions(fqdn);
    return pre != null ? pre : validateLabels(fqdn);
  }

  /**
   * Istio's {@code ValidateWildcardDomain}: like {@link #validateFqdn} but the first label may be
   * {@code *}, {@code *foo} or {@code *-foo}. So {@code *}, {@code *.foo.com} and
   * {@code *foo.com} are valid, {@code foo.*.com} is not.
   */
  public static @Nullable String validateWildcardDomain(String domain) {
    String pre = preconditions(domain);
    if (pre != null) {
      return pre;
    }
    int dot = domain.indexOf('.');
    String first = dot < 0 ? domain : domain.substring(0, dot);
    if (first.length() > 63 || !WILDCARD_LABEL.matcher(first).matches()) {
      return "domain name " + Quoting.quote(domain) + " invalid (label " + Quoting.quote(first) + " invalid)";
    }
    return dot < 0 ? null : validateLabels(domain.substring(dot + 1));
  }

  /** Istio's {@code ValidatePartialWildCard}: a host with a {@code *} is {@code *} or {@code *.rest}. */
  public static @Nullable String validatePartialWildcard(String host) {
    if (host.contains("*") && host.length() != 1 && !host.startsWith("*.")) {
      return "partial wildcard " + Quoting.quote(host) + " not allowed";
    }
    return null;
  }

  private static @Nullable String preconditions(String name) {
    if (name.length() > 255) {
      return "domain name " + Quoting.quote(name) + " too long (max 255)";
    }
    if (name.isEmpty()) {
      return "empty domain name not allowed";
    }
    return null;
  }

  /** {@code ValidateDNS1123Labels}. */
  private static @Nullable String validateLabels(String domain) {
    String[] parts = domain.split("\\.", -1);
    String tld = parts[parts.length - 1];
    if (!tld.isEmpty() && tld.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return "domain name " + Quoting.quote(domain) + " invalid (top level domain " + Quoting.quote(tld)
          + " cannot be all-numeric)";
    }
    for (int i = 0; i < parts.length; i++) {
      // A trailing dot ("istio.io.") leaves an empty last label, which is allowed.
      if (i == parts.length - 1 && parts[i].isEmpty()) {
        return null;
      }
      if (!isDns1123Label(parts[i])) {
        return "domain name " + Quoting.quote(domain) + " invalid (label " + Quoting.quote(parts[i]) + " invalid)";
      }
    }
    return null;
  }

  /** Whether a string is an IPv4 or IPv6 literal without brackets (Go's {@code netip.ParseAddr}). */
  public static boolean isIp(String s) {
    return isIpv4(s) || isIpv6(s);
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

  private static boolean isIpv6(String s) {
    int zone = s.indexOf('%');
    String addr = zone < 0 ? s : s.substring(0, zone);
    if (zone >= 0 && zone == s.length() - 1) {
      return false;
    }
    if (addr.indexOf(':') < 0) {
      return false;
    }
    for (int i = 0; i < addr.length(); i++) {
      char c = addr.charAt(i);
      if (c != ':' && c != '.' && Character.digit(c, 16) < 0) {
        return false;
      }
    }
    try {
      // Only hex digits, ':' and '.' reach here, so this parses a literal and never resolves.
      // (An IPv4-mapped literal such as ::ffff:1.2.3.4 comes back as an Inet4Address.)
      java.net.InetAddress.getByName(addr);
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /** Istio's {@code ValidateIPSubnet}: an IP, or a CIDR block when there is exactly one '/'. */
  public static @Nullable String validateIpSubnet(String subnet) {
    int slash = subnet.indexOf('/');
    if (slash >= 0 && subnet.indexOf('/', slash + 1) < 0) {
      String ip = subnet.substring(0, slash);
      String bits = subnet.substring(slash + 1);
      int max = isIpv4(ip) ? 32 : isIpv6(ip) && ip.indexOf('%') < 0 ? 128 : -1;
      boolean ok = max > 0 && bits.matches("0|[1-9][0-9]{0,2}") && Integer.parseInt(bits) <= max;
      return ok ? null : subnet + " is not a valid CIDR block";
    }
    return isIp(subnet) ? null : subnet + " is not a valid IP";
  }

  /** Istio's {@code host.Name.Matches}: the two hosts (either may be a wildcard) overlap. */
  public static boolean overlap(String a, String b) {
    boolean aw = a.startsWith("*");
    boolean bw = b.startsWith("*");
    if (aw && bw) {
      return a.length() < b.length() ? b.substring(1).endsWith(a.substring(1))
          : a.substring(1).endsWith(b.substring(1));
    }
    if (aw) {
      return b.endsWith(a.substring(1));
    }
    if (bw) {
      return a.endsWith(b.substring(1));
    }
    return a.equals(b);
  }

  /** Istio's {@code host.Name.SubsetOf}: every host {@code a} names is also named by {@code b}. */
  public static boolean subsetOf(String a, String b) {
    boolean aw = a.startsWith("*");
    boolean bw = b.startsWith("*");
    if (aw) {
      return bw && a.length() >= b.length() && a.substring(1).endsWith(b.substring(1));
    }
    return bw ? a.endsWith(b.substring(1)) : a.equals(b);
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
    // Interned: the same host is named by many routes, rules and clusters of one snapshot.
    if (h.equals("*") || h.indexOf('.') >= 0) {
      return h.intern();
    }
    return (h + "." + namespace + ".svc." + domainSuffix).intern();
  }

  /**
   * Whether {@code host} is matched by the wildcard {@code pattern}: {@code *.example.com}, or a
   * partial wildcard such as {@code *example.com} (a suffix match, as Envoy's domain matching).
   */
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
