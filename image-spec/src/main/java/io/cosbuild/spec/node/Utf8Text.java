package io.cosbuild.spec.node;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Decodes a profile's bytes as strict UTF-8, naming the line and column of the first bad byte. */
public final class Utf8Text {

  private Utf8Text() {}

  public static String decode(String file, byte[] bytes) throws NodeSyntaxException {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = d.decode(in, out, true);
    if (!r.isError()) {
      r = d.flush(out);
    }
    if (r.isError()) {
      // The decoder stops at the bad byte: what it decoded so far gives the line and column.
      String before = out.flip().toString();
      int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
      int column = before.length() - before.lastIndexOf('\n');
      throw new NodeSyntaxException(new Location(file, line, column), String.format(
          "the file is not UTF-8: byte 0x%02X cannot start or continue a UTF-8 character (save the file as UTF-8)",
          bytes[in.position()] & 0xff));
    }
    return out.flip().toString();
  }
}
