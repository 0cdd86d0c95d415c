package dev.mesh4j.console;

import java.util.BitSet;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A small streaming JSON writer for the console's documents: objects, arrays, strings escaped
 * for any content (control characters, quotes, and {@code <}, {@code >}, {@code &} as
 * {@code \\u} escapes so a document is also safe inside HTML), numbers with three decimals at
 * most, NaN and infinities written as {@code null}. Not thread-safe.
 */
final class Json {
  private final StringBuilder sb = new StringBuilder(4096);
  /** Per nesting level: whether the next value needs a comma before it. */
  private final BitSet comma = new BitSet();
  private int depth;
  private boolean afterName;

  Json beginObject() {
    separate();
    sb.append('{');
    comma.clear(++depth);
    return this;
  }

  Json endObject() {
    depth--;
    sb.append('}');
    return this;
  }

  Json beginArray() {
    separate();
    sb.append('[');
    comma.clear(++depth);
    return this;
  }

  Json endArray() {
    depth--;
    sb.append(']');
    return this;
  }

  Json name(String name) {
    separate();
    quote(name);
    sb.append(':');
    afterName = true;
    return this;
  }

  Json value(@Nullable String s) {
    separate();
    if (s == null) {
      sb.append("null");
    } else {
      quote(s);
    }
    return this;
  }

  Json value(long n) {
    separate();
    sb.append(n);
    return this;
  }

  Json value(double d) {
    separate();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      sb.append("null");
    } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      sb.append((long) d);
    } else {
      // Three decimals are plenty for rates, shares and milliseconds.
      sb.append(Math.round(d * 1000) / 1000.0);
    }
    return this;
  }

  Json value(boolean b) {
    separate();
    sb.append(b);
    return this;
  }

  /** A JSON text written elsewhere, inserted as one value. */
  Json raw(String json) {
    separate();
    sb.append(json);
    return this;
  }

  Json field(String name, @Nullable String value) {
    return name(name).value(value);
  }

  Json field(String name, long value) {
    return name(name).value(value);
  }

  Json field(String name, double value) {
    return name(name).value(value);
  }

  Json field(String name, boolean value) {
    return name(name).value(value);
  }

  private void separate() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (comma.get(depth)) {
      sb.append(',');
    } else {
      comma.set(depth);
    }
  }

  private void quote(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
