package f5j.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The few Python {@code str} semantics the upstream text code relies on, over code points. */
public final class PyStr {
    private PyStr() {}

    /**
     * Python's {@code str.isspace()} (and so {@code \s} of a str regex): bidi class WS, B or S, or category
     * Zs. Unlike {@link Character#isWhitespace}, it includes the no-break spaces U+00A0, U+2007, U+202F and
     * also U+0085.
     */
    public static boolean isSpace(int cp) {
        return switch (cp) {
            case '\t', '\n', 0x0B, 0x0C, '\r', 0x1C, 0x1D, 0x1E, 0x1F, ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029,
                 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** {@code str.strip()} with no argument. */
    public static String strip(String s) {
        int from = 0, to = s.length();
        while (from < to && isSpace(s.codePointAt(from))) from += Character.charCount(s.codePointAt(from));
        while (to > from && isSpace(s.codePointBefore(to))) to -= Character.charCount(s.codePointBefore(to));
        return s.substring(from, to);
    }

    /** {@code len(s.encode("utf-8"))}. */
    public static int utf8Length(String s) { return s.getBytes(StandardCharsets.UTF_8).length; }

    /** UTF-8 length of one code point. */
    public static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** {@code len(s)}: code points, not UTF-16 units. */
    public static int length(String s) { return s.codePointCount(0, s.length()); }

    /** The last code point ({@code s[-1]}); the string must not be empty. */
    public static int last(String s) { return s.codePointBefore(s.length()); }

    /** {@code list(s)}: one string per code point. */
    public static List<String> chars(String s) {
        List<String> out = new ArrayList<>(s.length());
        s.codePoints().forEach(cp -> out.add(Character.toString(cp)));
        return out;
    }
}
