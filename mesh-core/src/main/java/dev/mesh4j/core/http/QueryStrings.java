package dev.mesh4j.core.http;

import org.jspecify.annotations.Nullable;

/** Query-string reading as Envoy does it: split on {@code &} and the first {@code =}, no decoding. */
final class QueryStrings {
  private QueryStrings() {}

  static @Nullable String firstValue(@Nullable String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    int n = rawQuery.length();
    int start = 0;
    while (start <= n) {
      int amp = rawQuery.indexOf('&', start);
      int end = amp < 0 ? n : amp;
      int eq = rawQuery.indexOf('=', start);
      int keyEnd = eq < 0 || eq > end ? end : eq;
      if (keyEnd - start == name.length() && rawQuery.startsWith(name, start)) {
        return keyEnd == end ? "" : rawQuery.substring(keyEnd + 1, end);
      }
      if (amp < 0) {
        break;
      }
      start = amp + 1;
    }
    return null;
  }
}
