package dev.mesh4j.spring.autoconfigure.client;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/** Builds OkHttp requests from Spring's method, URI, headers and buffered body. */
final class OkHttpRequests {
  /** Headers OkHttp computes from the body; copying Spring's would duplicate or contradict them. */
  private static final Set<String> COMPUTED = Set.of("content-length", "transfer-encoding");

  private OkHttpRequests() {}

  static Request build(String method, URI uri, HttpHeaders headers, byte @Nullable [] body) {
    Headers.Builder h = new Headers.Builder();
    headers.forEach((name, values) -> {
      if (!COMPUTED.contains(name.toLowerCase(Locale.ROOT))) {
        for (String v : values) {
          h.addUnsafeNonAscii(name, v);
        }
      }
    });
    String contentType = headers.getFirst(HttpHeaders.CONTENT_TYPE);
    MediaType mediaType = contentType == null ? null : MediaType.parse(contentType);
    RequestBody requestBody = null;
    if (body != null && (body.length > 0 || requiresBody(method))) {
      requestBody = RequestBody.create(body, mediaType);
    } else if (requiresBody(method)) {
      requestBody = RequestBody.create(new byte[0], mediaType);
    }
    return new Request.Builder().url(uri.toString()).headers(h.build()).method(method, requestBody).build();
  }

  /** Methods OkHttp refuses without a body. */
  private static boolean requiresBody(String method) {
    return switch (method) {
      case "POST", "PUT", "PATCH", "PROPPATCH", "REPORT" -> true;
      default -> false;
    };
  }

  /** Spring's headers of an OkHttp response. */
  static HttpHeaders headers(Headers okHeaders) {
    HttpHeaders out = new HttpHeaders();
    for (int i = 0; i < okHeaders.size(); i++) {
      out.add(okHeaders.name(i), okHeaders.value(i));
    }
    return out;
  }
}
