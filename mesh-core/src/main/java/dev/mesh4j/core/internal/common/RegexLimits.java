package dev.mesh4j.core.internal.common;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a regex from config may cost, decided before RE2/J compiles it: RE2/J expands counted
 * repetitions into copies, so the 28 characters {@code (?:(?:a{1000}){1000}){1000}} ask for 10^9
 * instructions and exhaust memory while compiling. Two limits apply, each what the Istio control
 * plane or its Envoy refuses:
 * <ul>
 *   <li>Istio validates regexes with Go's {@code regexp}, whose parser refuses nested counted
 *       repetitions that multiply past 1000 ({@code repeatIsValid}: "invalid repeat count");
 *   <li>Envoy refuses a regex whose RE2 program is larger than
 *       {@code re2.max_program_size.error_level}, which Istio sets to {@value #MAX_PROGRAM_SIZE}.
 * </ul>
 * RE2/J has no public program size, so this class parses the regex only as far as needed (groups,
 * alternations, classes, escapes, repetitions) and counts instructions as RE2 compiles them: one
 * per literal byte, class, anchor and alternative, two per capture, repetitions expanded. An
 * accepted regex therefore compiles to at most that many RE2/J instructions (a few MB at the
 * limit). Malformed syntax is left to RE2/J, which reports it. Pure functions; thread-safe.
 */
public final class RegexLimits {
  /** Istio's {@code validateStringRegexp}: at most 1024 characters. */
  public static final int MAX_LENGTH = 1024;
  /** Go's {@code regexp/syntax}: nested counted repetitions multiply to at most 1000. */
  public static final int MAX_REPEAT = 1000;
  /** {@code re2.max_program_size.error_level} as Istio configures its sidecars. */
  public static final int MAX_PROGRAM_SIZE = 32768;

  private RegexLimits() {}

  /** Why a regex is refused before compiling, in Istio's words where Istio has them; null if not. */
  public static @Nullable String problem(String regex) {
    if (regex.length() > MAX_LENGTH) {
      return "regex is too large, max length allowed is " + MAX_LENGTH;
    }
    Re tree = new Parser(regex).parse();
    String repeat = invalidRepeat(tree, MAX_REPEAT);
    if (repeat != null) {
      return "error parsing regexp: invalid repeat count: `" + repeat + "`";
    }
    long size = size(tree) + 2;  // the program's match and fail instructions
    if (size > MAX_PROGRAM_SIZE) {
      return "regex program is too large (" + (size >= CAP ? "over " + CAP : "about " + size)
          + " RE2 instructions; Envoy refuses more than " + MAX_PROGRAM_SIZE + " as Istio configures it)";
    }
    return null;
  }

  /**
   * Compiles a regex that passed {@link #problem}; refuses one that did not (a regex that reached
   * the engine without validation), before RE2/J spends memory on it.
   *
   * @throws IllegalArgumentException when the regex is over a limit
   */
  public static Pattern compile(String regex) {
    String why = problem(regex);
    if (why != null) {
      throw new IllegalArgumentException("regex " + dev.mesh4j.core.internal.common.Quoting.quote(regex) + ": " + why);
    }
    return Pattern.compile(regex);
  }

  /** Counts saturate here: beyond it nothing changes the answer. */
  private static final long CAP = 1L << 40;

  /** A parsed regex: only what the limits need. */
  private static final class Re {
    enum Kind { ATOM, CONCAT, ALTERNATE, CAPTURE, STAR, PLUS, QUEST, REPEAT }

    final Kind kind;
    final List<Re> subs = new ArrayList<>(2);
    int min;
    int max;
    /** An atom's instructions (a literal's UTF-8 bytes, else 1); the repeat's text for messages. */
    long atomSize;
    String text = "";

    Re(Kind kind) {
      this.kind = kind;
    }
  }

  /** RE2's program size for the tree, saturating at {@link #CAP}. */
  private static long size(Re re) {
    long s;
    switch (re.kind) {
      case ATOM -> s = re.atomSize;
      case CONCAT -> {
        s = 0;
        for (Re sub : re.subs) {
          s = add(s, size(sub));
        }
      }
      case ALTERNATE -> {
        s = re.subs.size() - 1;
        for (Re sub : re.subs) {
          s = add(s, size(sub));
        }
      }
      case CAPTURE -> s = add(size(re.subs.get(0)), 2);
      case STAR, PLUS, QUEST -> s = add(size(re.subs.get(0)), 1);
      default -> {
        long sub = size(re.subs.get(0));
        if (re.max == 0) {
          s = 1;
        } else if (re.max < 0) {
          // x{n,}: n-1 copies and x+; x{0,} is x*.
          s = add(mul(Math.max(re.min, 1), sub), 1);
        } else {
          // x{n,m}: n copies, then m-n optional ones nested (each one more instruction).
          s = add(mul(re.min, sub), mul(re.max - re.min, add(sub, 1)));
        }
      }
    }
    return s;
  }

  private static long add(long a, long b) {
    return Math.min(CAP, a + b);
  }

  private static long mul(long a, long b) {
    return a == 0 || b == 0 ? 0 : a > CAP / b ? CAP : Math.min(CAP, a * b);
  }

  /**
   * Go's {@code repeatIsValid(re, n)}, for every counted repetition of 2 or more as Go's parser
   * checks them: the text of the first repetition that multiplies past the limit, or null.
   */
  private static @Nullable String invalidRepeat(Re re, int limit) {
    if (re.kind == Re.Kind.REPEAT && (re.min >= 2 || re.max >= 2) && !repeatIsValid(re, limit)) {
      return re.text;
    }
    for (Re sub : re.subs) {
      String bad = invalidRepeat(sub, limit);
      if (bad != null) {
        return bad;
      }
    }
    return null;
  }

  private static boolean repeatIsValid(Re re, int n) {
    if (re.kind == Re.Kind.REPEAT) {
      int m = re.max;
      if (m == 0) {
        return true;
      }
      if (m < 0) {
        m = re.min;
      }
      if (m > n) {
        return false;
      }
      if (m > 0) {
        n /= m;
      }
    }
    for (Re sub : re.subs) {
      if (!repeatIsValid(sub, n)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A forgiving parser of RE2 syntax: it never fails and always advances; what it cannot make
   * sense of it counts as literals, and RE2/J reports the syntax error afterwards.
   */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    Re parse() {
      Re re = alternation();
      while (pos < s.length()) {
        // An unbalanced ')': skip it and read on (RE2/J refuses the regex anyway).
        pos++;
        Re rest = alternation();
        Re both = new Re(Re.Kind.CONCAT);
        both.subs.add(re);
        both.subs.add(rest);
        re = both;
      }
      return re;
    }

    private Re alternation() {
      Re first = concatenation();
      if (pos >= s.length() || s.charAt(pos) != '|') {
        return first;
      }
      Re alt = new Re(Re.Kind.ALTERNATE);
      alt.subs.add(first);
      while (pos < s.length() && s.charAt(pos) == '|') {
        pos++;
        alt.subs.add(concatenation());
      }
      return alt;
    }

    private Re concatenation() {
      Re concat = new Re(Re.Kind.CONCAT);
      while (pos < s.length() && s.charAt(pos) != '|' && s.charAt(pos) != ')') {
        List<Re> atoms = atom();
        for (Re a : atoms) {
          concat.subs.add(a);
        }
        if (!atoms.isEmpty()) {
          int last = concat.subs.size() - 1;
          concat.subs.set(last, quantifiers(concat.subs.get(last)));
        }
      }
      return concat;
    }

    /** The next atom (a \Q...\E literal gives several; a flag group none). */
    private List<Re> atom() {
      char c = s.charAt(pos);
      switch (c) {
        case '(' -> {
          return List.of(group());
        }
        case '[' -> {
          skipClass();
          return List.of(atom(1));
        }
        case '\\' -> {
          return escape();
        }
        default -> {
          int cp = s.codePointAt(pos);
          pos += Character.charCount(cp);
          return List.of(atom(c == '.' || c == '^' || c == '$' ? 1 : utf8Length(cp)));
        }
      }
    }

    private Re group() {
      pos++;  // '('
      boolean capture = true;
      if (s.startsWith("?", pos)) {
        if (s.startsWith("?P<", pos) || s.startsWith("?<", pos)) {
          int close = s.indexOf('>', pos);
          pos = close < 0 ? s.length() : close + 1;
        } else {
          // (?flags) or (?flags:...)
          capture = false;
          int i = pos + 1;
          while (i < s.length() && s.charAt(i) != ':' && s.charAt(i) != ')') {
            i++;
          }
          if (i < s.length() && s.charAt(i) == ')') {
            pos = i + 1;
            return new Re(Re.Kind.CONCAT);  // flags only: no atom
          }
          pos = Math.min(s.length(), i + 1);
        }
      }
      Re inner = alternation();
      if (pos < s.length() && s.charAt(pos) == ')') {
        pos++;
      }
      if (!capture) {
        return inner;
      }
      Re cap = new Re(Re.Kind.CAPTURE);
      cap.subs.add(inner);
      return cap;
    }

    private void skipClass() {
      pos++;  // '['
      if (pos < s.length() && s.charAt(pos) == '^') {
        pos++;
      }
      if (pos < s.length() && s.charAt(pos) == ']') {
        pos++;  // a leading ']' is literal
      }
      while (pos < s.length() && s.charAt(pos) != ']') {
        if (s.startsWith("[:", pos)) {
          int close = s.indexOf(":]", pos + 2);
          pos = close < 0 ? pos + 2 : close + 2;
        } else if (s.charAt(pos) == '\\') {
          skipEscape();
        } else {
          pos++;
        }
      }
      pos = Math.min(s.length(), pos + 1);
    }

    private List<Re> escape() {
      if (s.startsWith("\\Q", pos)) {
        int end = s.indexOf("\\E", pos + 2);
        String literal = s.substring(pos + 2, end < 0 ? s.length() : end);
        pos = end < 0 ? s.length() : end + 2;
        List<Re> out = new ArrayList<>();
        literal.codePoints().forEach(cp -> out.add(atom(utf8Length(cp))));
        return out;
      }
      int start = pos;
      skipEscape();
      char e = start + 1 < s.length() ? s.charAt(start + 1) : '\\';
      boolean literal = "pPdDwWsSbBAzC".indexOf(e) < 0;
      return List.of(atom(literal ? Math.max(1, utf8Length(s.codePointAt(Math.min(start + 1, s.length() - 1)))) : 1));
    }

    private void skipEscape() {
      pos++;  // '\'
      if (pos >= s.length()) {
        return;
      }
      char e = s.charAt(pos);
      if ((e == 'p' || e == 'P' || e == 'x') && s.startsWith("{", pos + 1)) {
        int close = s.indexOf('}', pos);
        pos = close < 0 ? s.length() : close + 1;
      } else if (e == 'x') {
        pos = Math.min(s.length(), pos + 3);
      } else if (e >= '0' && e <= '7') {
        int i = pos;
        while (i < s.length() && i < pos + 3 && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
          i++;
        }
        pos = i;
      } else if (e == 'p' || e == 'P') {
        pos = Math.min(s.length(), pos + 2);
      } else {
        pos += Character.charCount(s.codePointAt(pos));
      }
    }

    /** Applies the quantifiers that follow an atom (RE2/J refuses a doubled one; it is counted). */
    private Re quantifiers(Re atom) {
      Re re = atom;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        Re q;
        if (c == '*' || c == '+' || c == '?') {
          q = new Re(c == '*' ? Re.Kind.STAR : c == '+' ? Re.Kind.PLUS : Re.Kind.QUEST);
          pos++;
        } else if (c == '{') {
          int[] mm = repeat();
          if (mm == null) {
            return re;  // a literal '{', read as the next atom
          }
          q = new Re(Re.Kind.REPEAT);
          q.min = mm[0];
          q.max = mm[1];
          q.text = s.substring(mm[2], pos);
        } else {
          return re;
        }
        if (pos < s.length() && s.charAt(pos) == '?') {
          pos++;  // non-greedy: the same program size
        }
        q.subs.add(re);
        re = q;
      }
      return re;
    }

    /** {n}, {n,} or {n,m} at pos: {min, max (-1 for none), start}, consumed; else null. */
    private int @Nullable [] repeat() {
      int start = pos;
      int i = pos + 1;
      int min = 0;
      int digits = 0;
      while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
        min = (int) Math.min(100_000, min * 10L + (s.charAt(i) - '0'));
        i++;
        digits++;
      }
      if (digits == 0 || i >= s.length()) {
        return null;
      }
      int max = min;
      if (s.charAt(i) == ',') {
        i++;
        if (i < s.length() && Character.isDigit(s.charAt(i))) {
          max = 0;
          while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
            max = (int) Math.min(100_000, max * 10L + (s.charAt(i) - '0'));
            i++;
          }
        } else {
          max = -1;
        }
      }
      if (i >= s.length() || s.charAt(i) != '}') {
        return null;
      }
      pos = i + 1;
      return new int[] {min, max, start};
    }

    private static Re atom(long size) {
      Re re = new Re(Re.Kind.ATOM);
      re.atomSize = size;
      return re;
    }

    private static int utf8Length(int cp) {
      return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
  }
}
