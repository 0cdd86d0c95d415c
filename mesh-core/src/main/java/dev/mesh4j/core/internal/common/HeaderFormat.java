package dev.mesh4j.core.internal.common;

import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A header value as Envoy reads it: a format string of literal text ({@code %%} for a literal
 * {@code %}) and {@code %VARIABLE%} or {@code %VARIABLE(arg)%} commands, substituted when a request
 * or response is sent. mesh4j substitutes the commands that have a value in a client:
 *
 * <ul>
 *   <li>{@code %REQ(name)%}, {@code %REQ(name?other)%}: the first value of a header of the
 *       application's request ({@code :authority}, {@code :path} with the query, {@code :method},
 *       {@code :scheme} too); with {@code ?}, the other header when the first is absent.
 *   <li>{@code %START_TIME%}, {@code %START_TIME(format)%}: when mesh4j began routing the request,
 *       in UTC, as {@code 2026-12-03T15:21:47.123Z} or in a {@code strftime} format with Envoy's
 *       extensions ({@code %s}, {@code %f}, {@code %3f}, {@code %E3S}, …).
 *   <li>{@code %UPSTREAM_CLUSTER%}, {@code %ROUTE_NAME%}: the cluster (Istio's
 *       {@code outbound|port|subset|host}) and the route's {@code name}.
 *   <li>{@code %HOSTNAME%}, {@code %ENVIRONMENT(NAME)%}: the host's name and an environment
 *       variable, read when the configuration is compiled.
 *   <li>Response headers only — Envoy formats request headers before it picks the endpoint, so
 *       these are empty there: {@code %UPSTREAM_HOST%}, {@code %UPSTREAM_REMOTE_ADDRESS%} (the
 *       endpoint, {@code ip:port}), {@code %UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%},
 *       {@code %UPSTREAM_REMOTE_PORT%}, {@code %RESPONSE_CODE%}, {@code %RESPONSE_FLAGS%}.
 * </ul>
 *
 * <p>Other commands are refused when the configuration loads ({@link #problem}): those about the
 * downstream connection have no value in a client, whose downstream is the application itself in
 * the same process; those reading Envoy's metadata, filter state or response headers have nothing
 * mesh4j could read them from. A command that has no value is empty, as in Envoy, and a header
 * whose whole value comes out empty is not sent.
 *
 * <p>Immutable and thread-safe.
 */
public final class HeaderFormat {

  /** What a format reads when it is substituted. */
  public interface Values {
    /** The first value of a header of the application's request (lower case), or null. */
    @Nullable String requestHeader(String name);

    /** When mesh4j began routing the request, in epoch milliseconds. */
    long startMillis();

    /** The cluster, or "". */
    String cluster();

    /** The route's name, or "". */
    String routeName();

    /** The endpoint that answered ({@code ip:port}), or null (a request header; a local reply). */
    @Nullable String upstreamHost();

    /** The response status, or 0 (a request header). */
    int responseCode();

    /** Envoy's response flags of the response, "-" for none, "" for a request header. */
    String responseFlags();
  }

  /** Commands whose value is the same for a request and its response. */
  private static final Set<String> BOTH = Set.of("REQ", "START_TIME", "UPSTREAM_CLUSTER", "ROUTE_NAME",
      "HOSTNAME", "ENVIRONMENT");
  /** Commands that have a value in response headers alone. */
  private static final Set<String> RESPONSE_ONLY = Set.of("UPSTREAM_HOST", "UPSTREAM_REMOTE_ADDRESS",
      "UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT", "UPSTREAM_REMOTE_PORT", "RESPONSE_CODE", "RESPONSE_FLAGS");
  private static final String SUPPORTED = "%REQ(name)%, %START_TIME%, %UPSTREAM_CLUSTER%, %ROUTE_NAME%,"
      + " %HOSTNAME%, %ENVIRONMENT(NAME)%, and in response headers %UPSTREAM_HOST%, %UPSTREAM_REMOTE_ADDRESS%,"
      + " %RESPONSE_CODE%, %RESPONSE_FLAGS%";

  private static volatile @Nullable String hostName;

  /** One command: its name and argument ({@code null}: none). */
  private record Command(String name, @Nullable String arg, @Nullable StartTime time) {}

  /** Literal text ({@code String}) and {@link Command}s, in order. */
  private final Object[] parts;
  private final boolean responseOnly;

  private HeaderFormat(Object[] parts) {
    this.parts = parts;
    boolean r = false;
    for (Object p : parts) {
      r |= p instanceof Command c && RESPONSE_ONLY.contains(c.name);
    }
    this.responseOnly = r;
  }

  /**
   * Why {@code value} cannot be substituted by mesh4j, or null when it can. The value must already
   * be a valid Envoy format string (Istio's check).
   */
  public static @Nullable String problem(String value) {
    for (Object p : split(value)) {
      if (p instanceof Command c) {
        String why = problem(c);
        if (why != null) {
          return why;
        }
      }
    }
    return null;
  }

  /** Whether a value has any {@code %VARIABLE%} (not only literal text and {@code %%}). */
  public static boolean hasCommand(String value) {
    for (Object p : split(value)) {
      if (p instanceof Command) {
        return true;
      }
    }
    return false;
  }

  /** The commands of a value that have no value in request headers (e.g. {@code UPSTREAM_HOST}). */
  public static List<String> responseOnly(String value) {
    List<String> out = new ArrayList<>();
    for (Object p : split(value)) {
      if (p instanceof Command c && RESPONSE_ONLY.contains(c.name)) {
        out.add("%" + c.name + "%");
      }
    }
    return out;
  }

  /**
   * Compiles a value already checked by {@link #problem}: {@code %%} unescaped, {@code %HOSTNAME%}
   * and {@code %ENVIRONMENT(NAME)%} read now.
   *
   * @param environment reads an environment variable (the JVM's {@code System::getenv})
   */
  public static HeaderFormat compile(String value, UnaryOperator<@Nullable String> environment) {
    List<Object> out = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    for (Object p : split(value)) {
      if (p instanceof String s) {
        literal.append(s);
      } else {
        Command c = (Command) p;
        String now = switch (c.name) {
          case "HOSTNAME" -> hostName();
          case "ENVIRONMENT" -> {
            String v = environment.apply(c.arg);
            yield v == null ? "" : v;
          }
          default -> null;
        };
        if (now != null) {
          literal.append(now);
          continue;
        }
        if (literal.length() > 0) {
          out.add(literal.toString());
          literal.setLength(0);
        }
        out.add(c.name.equals("START_TIME") ? new Command(c.name, c.arg, StartTime.parse(c.arg)) : c);
      }
    }
    if (literal.length() > 0) {
      out.add(literal.toString());
    }
    return new HeaderFormat(out.toArray());
  }

  /** Whether the value has no command left: {@link #literal()} is all of it. */
  public boolean isLiteral() {
    return parts.length == 0 || (parts.length == 1 && parts[0] instanceof String);
  }

  /** The text of a literal value. */
  public String literal() {
    if (!isLiteral()) {
      throw new IllegalStateException("not a literal: " + this);
    }
    return parts.length == 0 ? "" : (String) parts[0];
  }

  /** Whether the value reads what only a response has (in a request header it comes out empty). */
  public boolean readsResponse() {
    return responseOnly;
  }

  /** The value with every command substituted; "" when nothing is left. */
  public String format(Values v) {
    StringBuilder sb = new StringBuilder(32);
    for (Object p : parts) {
      if (p instanceof String s) {
        sb.append(s);
        continue;
      }
      Command c = (Command) p;
      switch (c.name) {
        case "REQ" -> sb.append(request(c.arg, v));
        case "START_TIME" -> c.time.format(v.startMillis(), sb);
        case "UPSTREAM_CLUSTER" -> sb.append(v.cluster());
        case "ROUTE_NAME" -> sb.append(v.routeName());
        case "UPSTREAM_HOST", "UPSTREAM_REMOTE_ADDRESS" -> append(sb, v.upstreamHost());
        case "UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT" -> append(sb, hostPart(v.upstreamHost(), true));
        case "UPSTREAM_REMOTE_PORT" -> append(sb, hostPart(v.upstreamHost(), false));
        case "RESPONSE_CODE" -> {
          if (v.responseCode() > 0) {
            sb.append(v.responseCode());
          }
        }
        case "RESPONSE_FLAGS" -> sb.append(v.responseFlags());
        default -> throw new IllegalStateException(c.name);
      }
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, @Nullable String s) {
    if (s != null) {
      sb.append(s);
    }
  }

  private static String request(String arg, Values v) {
    int alt = arg.indexOf('?');
    String first = v.requestHeader(arg.substring(0, alt < 0 ? arg.length() : alt).trim().toLowerCase(Locale.ROOT));
    if (first == null && alt >= 0) {
      first = v.requestHeader(arg.substring(alt + 1).trim().toLowerCase(Locale.ROOT));
    }
    return first == null ? "" : first;
  }

  /** The address or the port of {@code ip:port} (IPv6 in brackets). */
  private static @Nullable String hostPart(@Nullable String hostPort, boolean address) {
    if (hostPort == null) {
      return null;
    }
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0 || hostPort.indexOf(']', colon) >= 0) {
      return address ? hostPort : null;
    }
    if (!address) {
      return hostPort.substring(colon + 1);
    }
    String host = hostPort.substring(0, colon);
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static @Nullable String problem(Command c) {
    String v = "%" + c.name + (c.arg == null ? "" : "(" + c.arg + ")") + "%";
    if (c.name.startsWith("DOWNSTREAM_")) {
      return v + " describes the connection from the application to a proxy; mesh4j runs in the"
          + " application, so there is none (mesh4j substitutes " + SUPPORTED + ")";
    }
    if (!BOTH.contains(c.name) && !RESPONSE_ONLY.contains(c.name)) {
      return v + " is not substituted by mesh4j, which would send it literally (it substitutes " + SUPPORTED + ")";
    }
    boolean needsArg = c.name.equals("REQ") || c.name.equals("ENVIRONMENT");
    if (needsArg && (c.arg == null || c.arg.isBlank() || c.arg.trim().startsWith("["))) {
      return v + " needs one name as its argument";
    }
    if (!needsArg && !c.name.equals("START_TIME") && c.arg != null) {
      return v + " takes no argument";
    }
    if (c.name.equals("START_TIME")) {
      return StartTime.problem(c.arg);
    }
    return null;
  }

  /** Literal text and commands; the value is a valid Envoy format string. */
  private static List<Object> split(String value) {
    List<Object> out = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < value.length()) {
      char ch = value.charAt(i);
      if (ch != '%') {
        literal.append(ch);
        i++;
        continue;
      }
      if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
        literal.append('%');
        i += 2;
        continue;
      }
      if (literal.length() > 0) {
        out.add(literal.toString());
        literal.setLength(0);
      }
      int start = i + 1;
      int j = start;
      while (j < value.length() && value.charAt(j) != '%' && value.charAt(j) != '(') {
        j++;
      }
      String name = value.substring(start, j);
      String arg = null;
      if (j < value.length() && value.charAt(j) == '(') {
        int close = value.indexOf(')', j + 1);
        if (close < 0) {
          throw new IllegalArgumentException("not an Envoy format string: " + value);
        }
        arg = value.substring(j + 1, close);
        j = value.indexOf('%', close + 1);
        if (j < 0) {
          throw new IllegalArgumentException("not an Envoy format string: " + value);
        }
      }
      out.add(new Command(name, arg, null));
      i = j + 1;
    }
    if (literal.length() > 0) {
      out.add(literal.toString());
    }
    return out;
  }

  private static String hostName() {
    String h = hostName;
    if (h == null) {
      h = System.getenv("HOSTNAME");
      if (h == null || h.isEmpty()) {
        try {
          h = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
          h = "";
        }
      }
      hostName = h;
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof String s) {
        sb.append(s.replace("%", "%%"));
      } else {
        Command c = (Command) p;
        sb.append('%').append(c.name).append(c.arg == null ? "" : "(" + c.arg + ")").append('%');
      }
    }
    return sb.toString();
  }

  /**
   * {@code START_TIME}'s format: Envoy's default ({@code %Y-%m-%dT%H:%M:%E3SZ}) or a
   * {@code strftime} subset with Envoy's extensions — {@code %s} (epoch seconds), {@code %f} and
   * {@code %1f}…{@code %9f} (fractional seconds; {@code %f} is nine digits), {@code %E3S} and the
   * like (seconds with fractional digits), {@code %E*S} (nine).
   */
  static final class StartTime {
    private static final String DEFAULT = "%Y-%m-%dT%H:%M:%E3SZ";
    private static final String CONVERSIONS = "YmdHMSyjeaAbBhTFDRzZs%";
    private final String pattern;

    private StartTime(String pattern) {
      this.pattern = pattern;
    }

    static StartTime parse(@Nullable String arg) {
      return new StartTime(arg == null || arg.isEmpty() ? DEFAULT : arg);
    }

    static @Nullable String problem(@Nullable String arg) {
      if (arg == null) {
        return null;
      }
      for (int i = 0; i < arg.length(); i++) {
        if (arg.charAt(i) != '%') {
          continue;
        }
        int n = spec(arg, i);
        if (n < 0) {
          return "%START_TIME(" + arg + ")% has a conversion mesh4j does not know at position " + i
              + " (it knows %" + String.join(" %", CONVERSIONS.split("")) + ", %f, %1f…%9f, %E3S, %E*S)";
        }
        i += n - 1;
      }
      return null;
    }

    /** The length of the conversion at {@code i}, or -1. */
    private static int spec(String p, int i) {
      if (i + 1 >= p.length()) {
        return -1;
      }
      char c = p.charAt(i + 1);
      if (CONVERSIONS.indexOf(c) >= 0 || c == 'f') {
        return 2;
      }
      if (c >= '1' && c <= '9' && i + 2 < p.length() && p.charAt(i + 2) == 'f') {
        return 3;
      }
      if (c == 'E' && i + 3 < p.length() && p.charAt(i + 3) == 'S'
          && (p.charAt(i + 2) == '*' || (p.charAt(i + 2) >= '1' && p.charAt(i + 2) <= '9'))) {
        return 4;
      }
      return -1;
    }

    void format(long millis, StringBuilder sb) {
      Instant instant = Instant.ofEpochMilli(millis);
      ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
      String p = pattern;
      for (int i = 0; i < p.length(); i++) {
        char ch = p.charAt(i);
        if (ch != '%') {
          sb.append(ch);
          continue;
        }
        int n = spec(p, i);
        char c = p.charAt(i + 1);
        switch (n == 2 ? c : n == 3 ? 'f' : 'E') {
          case 'Y' -> sb.append(t.getYear());
          case 'm' -> two(sb, t.getMonthValue());
          case 'd' -> two(sb, t.getDayOfMonth());
          case 'e' -> sb.append(t.getDayOfMonth() < 10 ? " " : "").append(t.getDayOfMonth());
          case 'H' -> two(sb, t.getHour());
          case 'M' -> two(sb, t.getMinute());
          case 'S' -> two(sb, t.getSecond());
          case 'y' -> two(sb, t.getYear() % 100);
          case 'j' -> sb.append(String.format(Locale.ROOT, "%03d", t.getDayOfYear()));
          case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT));
          case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT));
          case 'b', 'h' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT));
          case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT));
          case 'T' -> {
            two(sb, t.getHour());
            sb.append(':');
            two(sb, t.getMinute());
            sb.append(':');
            two(sb, t.getSecond());
          }
          case 'R' -> {
            two(sb, t.getHour());
            sb.append(':');
            two(sb, t.getMinute());
          }
          case 'F' -> {
            sb.append(t.getYear()).append('-');
            two(sb, t.getMonthValue());
            sb.append('-');
            two(sb, t.getDayOfMonth());
          }
          case 'D' -> {
            two(sb, t.getMonthValue());
            sb.append('/');
            two(sb, t.getDayOfMonth());
            sb.append('/');
            two(sb, t.getYear() % 100);
          }
          case 'z' -> sb.append("+0000");
          case 'Z' -> sb.append("UTC");
          case 's' -> sb.append(Math.floorDiv(millis, 1000));
          case '%' -> sb.append('%');
          case 'f' -> fraction(sb, millis, n == 2 ? 9 : p.charAt(i + 1) - '0');
          case 'E' -> {
            two(sb, t.getSecond());
            sb.append('.');
            fraction(sb, millis, p.charAt(i + 2) == '*' ? 9 : p.charAt(i + 2) - '0');
          }
          default -> throw new IllegalStateException(p);
        }
        i += n - 1;
      }
    }

    private static void two(StringBuilder sb, int v) {
      if (v < 10) {
        sb.append('0');
      }
      sb.append(v);
    }

    /** The first {@code digits} digits of the fraction of the second (nanoseconds, from millis). */
    private static void fraction(StringBuilder sb, long millis, int digits) {
      String nanos = String.format(Locale.ROOT, "%09d", Math.floorMod(millis, 1000L) * 1_000_000L);
      sb.append(nanos, 0, digits);
    }
  }
}
