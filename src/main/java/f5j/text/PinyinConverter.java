package f5j.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's {@code convert_char_to_pinyin} for one text: the token list the model reads.
 *
 * <p>The text is first mapped through upstream's table ({@code ;} to {@code ,}, curly quotes to straight
 * ones), then cut with {@link Jieba}. Per segment:
 * <ul>
 *   <li>pure ASCII: its characters, preceded by an extra space token when the segment is longer than one
 *       character and the previous token is not one of {@code " "}, {@code ":"}, {@code "'"}, {@code "\""}
 *       (so "sintética", cut as sint|é|tica, becomes "sinté tica");</li>
 *   <li>only 3-byte characters (Chinese words, 。, —, kana...): the segment's pinyin, one token per
 *       character, each Chinese character (U+3100..U+9FFF) preceded by a space token;</li>
 *   <li>anything else (accented letters, mixed Latin+Han dictionary words, emoji): character by character,
 *       a Chinese character as space + its own pinyin, others as themselves.</li>
 * </ul>
 * Chinese readings come from {@link HanziPinyin} (pypinyin's tables and rules), which says where they can
 * still differ from upstream.
 */
public final class PinyinConverter {
    private PinyinConverter() {}

    /** convert_char_to_pinyin([text])[0]. */
    public static List<String> convert(String text) {
        List<String> out = new ArrayList<>();
        for (String seg : Jieba.cut(translate(text))) {
            int bytes = PyStr.utf8Length(seg), chars = PyStr.length(seg);
            if (bytes == chars) {
                if (!out.isEmpty() && bytes > 1 && !" :'\"".contains(out.getLast())) out.add(" ");
                out.addAll(PyStr.chars(seg));
            } else if (bytes == 3 * chars) {
                List<String> pys = HanziPinyin.lazyPinyin(seg);
                List<String> cs = PyStr.chars(seg);
                for (int i = 0; i < cs.size(); i++) {
                    if (isChinese(cs.get(i).codePointAt(0))) out.add(" ");
                    out.add(pys.get(i));
                }
            } else {
                for (String c : PyStr.chars(seg)) {
                    int cp = c.codePointAt(0);
                    if (cp < 256) {
                        out.add(c);
                    } else if (isChinese(cp)) {
                        out.add(" ");
                        out.addAll(HanziPinyin.lazyPinyin(c));
                    } else {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    /** The tokens joined: what upstream's infer goldens list as {@code text_chars}. */
    public static String convertJoined(String text) { return String.join("", convert(text)); }

    /** Upstream's custom translation table, which maps characters its vocab lacks to ones it has. */
    static String translate(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> sb.appendCodePoint(switch (cp) {
            case ';' -> ',';
            case '\u201C', '\u201D' -> '"';
            case '\u2018', '\u2019' -> '\'';
            default -> cp;
        }));
        return sb.toString();
    }

    /** Upstream's is_chinese: U+3100..U+9FFF (bopomofo to the end of the unified ideographs). */
    static boolean isChinese(int cp) { return cp >= 0x3100 && cp <= 0x9FFF; }
}
