package dev.mesh4j.istiod.internal;

/** Writes a literal string as an RE2 pattern that matches exactly it. */
final class Re2 {
  private static final String SPECIAL = "\\.+*?()|[]{}^$";

  private Re2() {}

  static String quote(String literal) {
    StringBuilder sb = new StringBuilder(literal.length() + 8);
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (SPECIAL.indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
