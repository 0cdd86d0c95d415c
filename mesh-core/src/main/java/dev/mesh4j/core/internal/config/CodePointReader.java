package dev.mesh4j.core.internal.config;

import java.io.StringReader;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.Constant;

/**
 * SnakeYAML's reader over a whole document held in memory, in linear time.
 *
 * <p>SnakeYAML's own {@link StreamReader} reads 1 KiB at a time and copies its window on every
 * read, from the start of the token being scanned: a long scalar costs time quadratic in its
 * length (a 2 MB value took 0.7 s, a 50 MB one minutes). Manifests are held in memory anyway, so
 * this reader converts the text to code points once and serves every look-ahead from that array.
 * It overrides every method the scanner calls; the parent's buffer stays empty. Not thread-safe:
 * one parse uses it.
 */
final class CodePointReader extends StreamReader {
  private static final String NAME = "'document'";

  private final int[] data;
  private int pointer;
  private int documentStart;
  private int line;
  private int column;

  /** @throws ReaderException at the first character YAML does not allow (as SnakeYAML's reader) */
  CodePointReader(String text) {
    super(new StringReader(""));
    this.data = text.codePoints().toArray();
    for (int i = 0; i < data.length; i++) {
      if (!isPrintable(data[i])) {
        throw new ReaderException(NAME, i, data[i], "special characters are not allowed");
      }
    }
  }

  @Override
  public Mark getMark() {
    return new Mark(NAME, pointer, line, column, data, pointer);
  }

  @Override
  public void forward() {
    forward(1);
  }

  @Override
  public void forward(int length) {
    for (int i = 0; i < length && pointer < data.length; i++) {
      int c = data[pointer++];
      if (Constant.LINEBR.has(c) || (c == '\r' && (pointer < data.length && data[pointer] != '\n'))) {
        line++;
        column = 0;
      } else if (c != 0xFEFF) {
        column++;
      }
    }
  }

  @Override
  public int peek() {
    return pointer < data.length ? data[pointer] : '\0';
  }

  @Override
  public int peek(int index) {
    int at = pointer + index;
    return at < data.length ? data[at] : '\0';
  }

  @Override
  public String prefix(int length) {
    return length == 0 ? "" : new String(data, pointer, Math.min(length, data.length - pointer));
  }

  @Override
  public String prefixForward(int length) {
    String prefix = prefix(length);
    pointer += length;
    // As SnakeYAML's reader: a prefix never holds a line break.
    column += length;
    return prefix;
  }

  @Override
  public int getColumn() {
    return column;
  }

  @Override
  public int getIndex() {
    return pointer;
  }

  @Override
  public int getDocumentIndex() {
    return pointer - documentStart;
  }

  @Override
  public void resetDocumentIndex() {
    documentStart = pointer;
  }

  @Override
  public int getLine() {
    return line;
  }
}
