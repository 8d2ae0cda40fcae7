package f5j.text;

import f5j.util.F5jException;
import net.sourceforge.pinyin4j.PinyinHelper;
import net.sourceforge.pinyin4j.format.HanyuPinyinCaseType;
import net.sourceforge.pinyin4j.format.HanyuPinyinOutputFormat;
import net.sourceforge.pinyin4j.format.HanyuPinyinToneType;
import net.sourceforge.pinyin4j.format.HanyuPinyinVCharType;
import net.sourceforge.pinyin4j.format.exception.BadHanyuPinyinOutputFormatCombination;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * pypinyin's {@code lazy_pinyin(text, style=Style.TONE3, tone_sandhi=True)}, as upstream calls it on one
 * jieba segment: split into Han / non-Han runs, cut Han runs by forward maximum matching over pypinyin's
 * phrase list, read each phrase from that list and any other character alone, apply pypinyin's tone sandhi
 * rules within each cut word, and write the tone as a trailing digit (none for the neutral tone, "v" for ü).
 *
 * <p>Where this can differ from pypinyin: the phrase list (bundled from pypinyin's phrases_dict, a 2026
 * snapshot; older/newer pypinyin releases changed entries) is exact, but a character outside a listed phrase
 * is read with pinyin4j's first reading instead of pypinyin's own single-character table. The two tables
 * order the readings of some polyphones differently, and pinyin4j lacks characters outside U+4E00..U+9FA5
 * (CJK extensions, compatibility ideographs), which then stay as they are instead of getting pinyin. Its
 * neutral tone "5" is dropped, as pypinyin writes none.
 */
final class HanziPinyin {
    private static final HanyuPinyinOutputFormat FORMAT = new HanyuPinyinOutputFormat();

    static {
        FORMAT.setToneType(HanyuPinyinToneType.WITH_TONE_NUMBER);
        FORMAT.setVCharType(HanyuPinyinVCharType.WITH_V);
        FORMAT.setCaseType(HanyuPinyinCaseType.LOWERCASE);
    }

    private final Map<String, String[]> phrases;
    private final Set<String> prefixes;

    private HanziPinyin(Map<String, String[]> phrases, Set<String> prefixes) {
        this.phrases = phrases;
        this.prefixes = prefixes;
    }

    private static final class Holder {
        static final HanziPinyin DEFAULT = load();
    }

    static HanziPinyin get() { return Holder.DEFAULT; }

    private static HanziPinyin load() {
        Map<String, String[]> phrases = new HashMap<>(1 << 17);
        Set<String> prefixes = new HashSet<>(1 << 18);
        InputStream in = HanziPinyin.class.getResourceAsStream("pypinyin_phrases.txt.gz");
        if (in == null) throw new F5jException("resource f5j/text/pypinyin_phrases.txt.gz missing");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                int tab = line.indexOf('\t');
                String word = line.substring(0, tab);
                phrases.put(word, line.substring(tab + 1).split(" "));
                for (int i = 1; i <= word.length(); i++) prefixes.add(word.substring(0, i));
            }
        } catch (IOException e) {
            throw new F5jException("cannot read the bundled pinyin phrase list: " + e.getMessage(), e);
        }
        return new HanziPinyin(phrases, prefixes);
    }

    /** pypinyin's RE_HANS: the characters it knows pinyin for (or tries to). */
    static boolean isHans(int cp) {
        return cp == 0x3007 || (cp >= 0xE815 && cp <= 0xE864) || cp == 0xFA18 || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A703 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81D) || (cp >= 0x2B825 && cp <= 0x2BF6E)
                || (cp >= 0x2C029 && cp <= 0x2CE93) || cp == 0x2D016 || (cp >= 0x2D11B && cp <= 0x2EBD9)
                || (cp >= 0x2F80A && cp <= 0x2FA1F) || (cp >= 0x30000 && cp <= 0x3134A)
                || (cp >= 0x31350 && cp <= 0x32389);
    }

    /** lazy_pinyin of a text: one item per Han character, one per run of other characters. */
    List<String> lazyPinyin(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length(), i = 0;
        while (i < n) {
            boolean hans = isHans(text.codePointAt(i));
            int j = i;
            while (j < n && isHans(text.codePointAt(j)) == hans) j += Character.charCount(text.codePointAt(j));
            String run = text.substring(i, j);
            if (hans) for (String word : cutPhrases(run)) out.addAll(wordPinyin(word));
            else out.add(run);
            i = j;
        }
        return out;
    }

    /**
     * pypinyin's mmseg cut (no_non_phrases=True): at each point take the longest listed phrase, reading on
     * while the text is a prefix of some phrase; a character starting no phrase stands alone.
     */
    private List<String> cutPhrases(String run) {
        List<String> words = new ArrayList<>();
        String remain = run;
        while (!remain.isEmpty()) {
            String lastValid = "";
            boolean cutShort = false;
            for (int end = firstEnd(remain); ; end = remain.offsetByCodePoints(end, 1)) {
                String word = remain.substring(0, end);
                if (!prefixes.contains(word)) {
                    if (!lastValid.isEmpty()) {
                        words.add(lastValid);
                        remain = remain.substring(lastValid.length());
                    } else {
                        int one = firstEnd(remain);
                        words.add(remain.substring(0, one));
                        remain = remain.substring(one);
                    }
                    cutShort = true;
                    break;
                }
                if (phrases.containsKey(word)) lastValid = word;
                if (end == remain.length()) break;
            }
            if (cutShort) continue;
            // the whole remainder is a prefix of some phrase
            if (!lastValid.isEmpty()) {
                words.add(lastValid);
                remain = remain.substring(lastValid.length());
            } else {
                if (phrases.containsKey(remain)) words.add(remain);
                else words.addAll(PyStr.chars(remain));
                break;
            }
        }
        return words;
    }

    private static int firstEnd(String s) { return Character.charCount(s.codePointAt(0)); }

    /** The readings of one cut word: the phrase's, else each character's; then tone sandhi. */
    private List<String> wordPinyin(String word) {
        List<String> han = PyStr.chars(word);
        String[] ph = phrases.get(word);
        List<String> pys = new ArrayList<>(ph != null ? Arrays.asList(ph) : han.stream().map(HanziPinyin::single).toList());
        ToneSandhi.apply(han, pys);
        return pys;
    }

    /** One character: pinyin4j's first reading in tone-3 form, or the character itself when it has none. */
    static String single(String ch) {
        if (ch.length() != 1) return ch; // pinyin4j has no characters outside the BMP
        String[] all;
        try {
            all = PinyinHelper.toHanyuPinyinStringArray(ch.charAt(0), FORMAT);
        } catch (BadHanyuPinyinOutputFormatCombination e) {
            throw new IllegalStateException(e);
        }
        if (all == null || all.length == 0) return ch;
        String py = all[0];
        return py.endsWith("5") ? py.substring(0, py.length() - 1) : py;
    }
}
