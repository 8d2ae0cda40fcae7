package f5j.text;

import f5j.util.F5jException;

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
 * phrase list, read each phrase from that list and any other character by its default (first) reading, apply
 * pypinyin's tone sandhi rules within each cut word, and write the tone as a trailing digit (none for the
 * neutral tone, "v" for ü).
 *
 * <p>Both tables are pypinyin's own (bundled by tools/gen_text_data.py from a 2026 snapshot), not a Java
 * pinyin library's: pinyin4j's first readings differ from pypinyin's for very common characters (pinyin4j /
 * pypinyin: 为 wei2 / wei4, 在 zai3 / zai4, 那 nei4 / na4, 给 ji3 / gei3), which changed about one Chinese
 * sentence in ten. With these tables the output equals upstream's on jieba's test sentences and on 7,000
 * random mixed texts (checked with jieba 0.42.1 and pypinyin run from source).
 * What can still differ from upstream: pypinyin releases other than that snapshot add or change phrase and
 * character entries, and upstream may have used a different pypinyin version than the goldens.
 */
final class HanziPinyin {
    private final Map<Integer, String> chars;
    private final Map<String, String[]> phrases;
    private final Set<String> prefixes;

    private HanziPinyin(Map<Integer, String> chars, Map<String, String[]> phrases, Set<String> prefixes) {
        this.chars = chars;
        this.phrases = phrases;
        this.prefixes = prefixes;
    }

    private static final class Holder {
        static final HanziPinyin DEFAULT = load();
    }

    static HanziPinyin get() { return Holder.DEFAULT; }

    private static HanziPinyin load() {
        Map<Integer, String> chars = new HashMap<>(1 << 16);
        Map<String, String[]> phrases = new HashMap<>(1 << 17);
        Set<String> prefixes = new HashSet<>(1 << 18);
        try (BufferedReader r = resource("pypinyin_chars.txt.gz")) {
            for (String line; (line = r.readLine()) != null; ) {
                int tab = line.indexOf('\t');
                chars.put(line.codePointAt(0), line.substring(tab + 1));
            }
        } catch (IOException e) {
            throw new F5jException("cannot read the bundled pinyin table: " + e.getMessage(), e);
        }
        try (BufferedReader r = resource("pypinyin_phrases.txt.gz")) {
            for (String line; (line = r.readLine()) != null; ) {
                int tab = line.indexOf('\t');
                String word = line.substring(0, tab);
                phrases.put(word, line.substring(tab + 1).split(" "));
                for (int i = 1; i <= word.length(); i++) prefixes.add(word.substring(0, i));
            }
        } catch (IOException e) {
            throw new F5jException("cannot read the bundled pinyin phrase list: " + e.getMessage(), e);
        }
        return new HanziPinyin(chars, phrases, prefixes);
    }

    private static BufferedReader resource(String name) throws IOException {
        InputStream in = HanziPinyin.class.getResourceAsStream(name);
        if (in == null) throw new IOException("resource f5j/text/" + name + " missing");
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
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

    /**
     * lazy_pinyin of a text: one item per Han character, one per run of other characters. The tables load
     * on the first Han character.
     */
    static List<String> lazyPinyin(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length(), i = 0;
        while (i < n) {
            boolean hans = isHans(text.codePointAt(i));
            int j = i;
            while (j < n && isHans(text.codePointAt(j)) == hans) j += Character.charCount(text.codePointAt(j));
            String run = text.substring(i, j);
            if (hans) for (String word : get().cutPhrases(run)) out.addAll(get().wordPinyin(word));
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
        List<String> pys = new ArrayList<>(ph != null ? Arrays.asList(ph) : han.stream().map(this::single).toList());
        ToneSandhi.apply(han, pys);
        return pys;
    }

    /** One character's default reading, or the character itself when pypinyin has none. */
    String single(String ch) { return chars.getOrDefault(ch.codePointAt(0), ch); }
}
