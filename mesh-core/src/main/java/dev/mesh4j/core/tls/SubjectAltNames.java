package dev.mesh4j.core.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Whether a server certificate names what the mesh expects: a host name against its DNS names
 * (RFC 6125: case-insensitive, a trailing dot ignored, a wildcard only as the whole left-most
 * label and covering exactly one label, never a public suffix like {@code *.com}), an IP address
 * against its IP addresses, and any other expected name — a SPIFFE identity such as
 * {@code spiffe://cluster.local/ns/default/sa/reviews} — against its URI names, exactly, as
 * Envoy's SAN matchers compare {@code subjectAltNames}. Stateless.
 */
public final class SubjectAltNames {
  private static final int DNS = 2;
  private static final int URI = 6;
  private static final int IP = 7;

  private SubjectAltNames() {}

  /** Whether the certificate names {@code expected} (a host name, an IP address or a URI such as a SPIFFE identity). */
  public static boolean matches(String expected, X509Certificate certificate) {
    Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (sans == null) {
      return false;
    }
    boolean ip = isIpLiteral(expected);
    String host = ip ? null : normalize(expected);
    for (List<?> san : sans) {
      if (san.size() < 2 || !(san.get(0) instanceof Integer type) || !(san.get(1) instanceof String value)) {
        continue;
      }
      if (ip ? type == IP && sameAddress(expected, value)
          : type == DNS && host != null && hostMatches(host, normalize(value))
              || type == URI && value.equals(expected)) {
        return true;
      }
    }
    return false;
  }

  private static String normalize(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  private static boolean hostMatches(String host, String pattern) {
    if (host.isEmpty() || pattern.isEmpty() || host.startsWith(".") || pattern.startsWith(".")) {
      return false;
    }
    if (!pattern.contains("*")) {
      return host.equals(pattern);
    }
    // Only "*.rest", with rest having at least two labels, and no other asterisk.
    if (!pattern.startsWith("*.") || pattern.indexOf('*', 1) >= 0 || pattern.indexOf('.', 2) < 0) {
      return false;
    }
    String suffix = pattern.substring(1);
    if (!host.endsWith(suffix)) {
      return false;
    }
    String label = host.substring(0, host.length() - suffix.length());
    return !label.isEmpty() && label.indexOf('.') < 0;
  }

  /** An IPv4 literal, or an IPv6 one (hex digits, colons and dots, bracketed or not). */
  private static boolean isIpLiteral(String literal) {
    String s = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
    boolean v6 = s.indexOf(':') >= 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = c == '.' || c >= '0' && c <= '9'
          || v6 && (c == ':' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F');
      if (!ok) {
        return false;
      }
    }
    return !s.isEmpty();
  }

  /** Compares two IP literals by address (IPv6 has several spellings); never resolves names. */
  private static boolean sameAddress(String a, String b) {
    if (!isIpLiteral(b)) {
      return false;
    }
    try {
      String x = a.startsWith("[") && a.endsWith("]") ? a.substring(1, a.length() - 1) : a;
      return InetAddress.getByName(x).equals(InetAddress.getByName(b));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
