package dev.mesh4j.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The console's page: {@code console.html} with {@code console.css} and {@code console.js}
 * inlined, so that it is one document wherever it is served (at {@code /} of its own server or
 * at {@code /actuator/meshconsole}) and needs nothing from elsewhere. Its Content-Security-Policy
 * allows exactly that style and that script (by hash) and requests to its own origin.
 */
final class Page {
  private static final String CSS = resource("console.css");
  private static final String JS = resource("console.js");
  private static final String POLICY = "default-src 'none'; style-src '" + hash(CSS) + "'; script-src '" + hash(JS)
      + "'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";
  private static final byte[] HTML = resource("console.html")
      .replace("{{POLICY}}", POLICY)
      .replace("/*{{CSS}}*/", CSS)
      .replace("/*{{JS}}*/", JS)
      .getBytes(StandardCharsets.UTF_8);

  private Page() {}

  static byte[] html() {
    return HTML.clone();
  }

  static String contentSecurityPolicy() {
    return POLICY;
  }

  private static String hash(String inline) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(inline.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = Page.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("mesh4j console: resource " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
