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
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * jieba's default {@code cut(sentence)} (accurate mode, HMM on), as jieba 0.42.1 does it; the goldens were
 * made with it in place of upstream's rjieba. Word lists: jieba's dict.txt and finalseg HMM, bundled as
 * resources by tools/gen_text_data.py. The 350k-word dictionary and the HMM are loaded on first use by a
 * block with Chinese characters; other blocks can only match the few words that start with ASCII, which
 * load at once.
 *
 * <p>The text is first split into blocks: runs of {@code [\u4E00-\u9FD5a-zA-Z0-9+#&._%-]} are segmented
 * with the dictionary; everything else is yielded one character at a time, except that {@code \r\n} stays
 * one piece. So letters outside ASCII break a word ("sintética" gives "sint", "é", "tica"). Inside a block,
 * the best-scoring path through the dictionary DAG is taken; runs of single characters that form no
 * dictionary word go to the HMM, which cuts Han runs into words and keeps ASCII runs
 * ({@code [a-zA-Z0-9]+(\.\d+)?%?}) whole.
 *
 * <p>Upstream itself uses rjieba (jieba-rs, same dictionary and HMM), which differs in two places: its blocks
 * also take U+9FD6..U+9FFF and the CJK extensions / compatibility ideographs as Han, and its HMM's ASCII-word
 * pattern has an unescaped dot ({@code [a-zA-Z0-9]+(?:.\d+)?%?}), so e.g. "a-1" or "x_2" stays one piece
 * there. Text with such characters or runs can get different space tokens upstream than in the goldens.
 */
public final class Jieba {
    private static final double MIN_FLOAT = -3.14e100;
    private static final String STATES = "BMES";
    /** Allowed previous states (jieba's PrevStatus), by state index B M E S. */
    private static final String[] PREV = {"ES", "MB", "BM", "SE"};

    private Jieba() {}

    /** Word frequencies plus every word prefix at 0 (jieba's FREQ), and log of the total frequency. */
    private record Lexicon(Map<String, Integer> freq, double logTotal) {}

    private static final class AsciiLexicon {
        static final Lexicon INSTANCE = loadAscii();
    }

    private static final class FullLexicon {
        static final Lexicon INSTANCE = loadFull();
    }

    private static final class Hmm {
        static final double[] START = new double[4];
        static final double[][] TRANS = new double[4][4];
        static final List<Map<Character, Double>> EMIT = new ArrayList<>();

        static {
            for (int s = 0; s < 4; s++) {
                EMIT.add(new HashMap<>());
                Arrays.fill(TRANS[s], MIN_FLOAT);
            }
            try (BufferedReader r = resource("jieba_hmm.txt.gz", true)) {
                for (String line; (line = r.readLine()) != null; ) {
                    double p = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    int s = STATES.indexOf(line.charAt(line.indexOf(' ') + 1));
                    if (line.startsWith("start ")) START[s] = p;
                    else if (line.startsWith("trans ")) TRANS[s][STATES.indexOf(line.charAt(8))] = p;
                    else EMIT.get(s).put(line.charAt(7), p);
                }
            } catch (IOException e) {
                throw new F5jException("cannot read the bundled jieba HMM: " + e.getMessage(), e);
            }
        }
    }

    private static Lexicon loadFull() {
        Map<String, Integer> freq = new HashMap<>(1 << 20);
        long total = 0;
        try (BufferedReader r = resource("jieba_dict.txt.gz", true)) {
            for (String line; (line = r.readLine()) != null; ) total += addWord(freq, line);
        } catch (IOException e) {
            throw new F5jException("cannot read the bundled jieba dictionary: " + e.getMessage(), e);
        }
        return new Lexicon(freq, Math.log(total));
    }

    private static Lexicon loadAscii() {
        Map<String, Integer> freq = new HashMap<>();
        long total;
        try (BufferedReader r = resource("jieba_dict_ascii.txt", false)) {
            total = Long.parseLong(r.readLine().substring("total ".length()));
            for (String line; (line = r.readLine()) != null; ) addWord(freq, line);
        } catch (IOException | RuntimeException e) {
            throw new F5jException("cannot read the bundled jieba dictionary: " + e.getMessage(), e);
        }
        return new Lexicon(freq, Math.log(total));
    }

    /** Adds "word freq" as jieba's gen_pfdict does (a later duplicate overwrites); returns the frequency. */
    private static int addWord(Map<String, Integer> freq, String line) {
        int sp = line.lastIndexOf(' ');
        String word = line.substring(0, sp);
        int f = Integer.parseInt(line.substring(sp + 1));
        freq.put(word, f);
        for (int i = 1; i < word.length(); i++) freq.putIfAbsent(word.substring(0, i), 0);
        return f;
    }

    private static BufferedReader resource(String name, boolean gzip) throws IOException {
        InputStream in = Jieba.class.getResourceAsStream(name);
        if (in == null) throw new IOException("resource f5j/text/" + name + " missing");
        return new BufferedReader(new InputStreamReader(gzip ? new GZIPInputStream(in) : in, StandardCharsets.UTF_8));
    }

    /** {@code jieba.cut(sentence)}: the segments, which concatenate back to the sentence. */
    public static List<String> cut(String sentence) {
        List<String> out = new ArrayList<>();
        int n = sentence.length(), i = 0;
        while (i < n) {
            int j = i;
            if (isBlockChar(sentence.charAt(i))) {
                boolean han = false;
                for (; j < n && isBlockChar(sentence.charAt(j)); j++) han |= isHan(sentence.charAt(j));
                cutBlock(sentence.substring(i, j), han ? FullLexicon.INSTANCE : AsciiLexicon.INSTANCE, out);
            } else {
                while (j < n && !isBlockChar(sentence.charAt(j))) {
                    int cp = sentence.codePointAt(j);
                    int len = cp == '\r' && j + 1 < n && sentence.charAt(j + 1) == '\n' ? 2 : Character.charCount(cp);
                    out.add(sentence.substring(j, j + len));
                    j += len;
                }
            }
            i = j;
        }
        return out;
    }

    static boolean isBlockChar(char c) {
        return (c >= '\u4E00' && c <= '\u9FD5') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || "+#&._%-".indexOf(c) >= 0;
    }

    /** jieba's {@code __cut_DAG} over one block (all BMP characters, so char index = Python index). */
    private static void cutBlock(String s, Lexicon lex, List<String> out) {
        int n = s.length();
        int[] best = route(s, lex);
        StringBuilder buf = new StringBuilder();
        int x = 0;
        while (x < n) {
            int y = best[x] + 1;
            if (y - x == 1) {
                buf.append(s.charAt(x));
            } else {
                flush(buf, lex, out);
                out.add(s.substring(x, y));
            }
            x = y;
        }
        flush(buf, lex, out);
    }

    /** A run of single-character steps: one character as is, a dictionary word char by char, else the HMM. */
    private static void flush(StringBuilder buf, Lexicon lex, List<String> out) {
        if (buf.isEmpty()) return;
        String b = buf.toString();
        buf.setLength(0);
        if (b.length() == 1) {
            out.add(b);
        } else if (lex.freq().getOrDefault(b, 0) == 0) {
            hmmCut(b, out);
        } else {
            for (int i = 0; i < b.length(); i++) out.add(String.valueOf(b.charAt(i)));
        }
    }

    /**
     * The DAG of dictionary words starting at each position, scored right to left: route[k] = the end index
     * (inclusive) of the word taken at k, maximising the sum of log(freq or 1) - log(total). Ties go to the
     * longer word, as Python's max over (score, end) tuples does.
     */
    private static int[] route(String s, Lexicon lex) {
        int n = s.length();
        double[] score = new double[n + 1];
        int[] end = new int[n];
        for (int idx = n - 1; idx >= 0; idx--) {
            double bestScore = Double.NEGATIVE_INFINITY;
            int bestEnd = -1;
            boolean any = false;
            for (int i = idx; i < n; i++) {
                Integer f = lex.freq().get(s.substring(idx, i + 1));
                if (f == null) break;
                if (f > 0) {
                    any = true;
                    double sc = Math.log(f) - lex.logTotal() + score[i + 1];
                    if (sc > bestScore || (sc == bestScore && i > bestEnd)) { bestScore = sc; bestEnd = i; }
                }
            }
            if (!any) { // the character alone; its frequency is 0 or absent, scored as 1
                bestScore = Math.log(1) - lex.logTotal() + score[idx + 1];
                bestEnd = idx;
            }
            score[idx] = bestScore;
            end[idx] = bestEnd;
        }
        return end;
    }

    /** jieba's {@code finalseg.cut}: Han runs through the BMES Viterbi, the rest split around ASCII words. */
    private static void hmmCut(String s, List<String> out) {
        int n = s.length(), i = 0;
        while (i < n) {
            int j = i;
            if (isHan(s.charAt(i))) {
                while (j < n && isHan(s.charAt(j))) j++;
                viterbiCut(s.substring(i, j), out);
            } else {
                while (j < n && !isHan(s.charAt(j))) j++;
                splitAsciiWords(s.substring(i, j), out);
            }
            i = j;
        }
    }

    private static boolean isHan(char c) { return c >= '\u4E00' && c <= '\u9FD5'; }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** Non-empty pieces of {@code re.split("([a-zA-Z0-9]+(?:\.\d+)?%?)", s)} (s holds ASCII only). */
    private static void splitAsciiWords(String s, List<String> out) {
        int n = s.length(), pieceStart = 0, i = 0;
        while (i < n) {
            if (!isAlnum(s.charAt(i))) { i++; continue; }
            int j = i;
            while (j < n && isAlnum(s.charAt(j))) j++;
            if (j + 1 < n && s.charAt(j) == '.' && Character.isDigit(s.charAt(j + 1))) {
                j++;
                while (j < n && s.charAt(j) >= '0' && s.charAt(j) <= '9') j++;
            }
            if (j < n && s.charAt(j) == '%') j++;
            if (i > pieceStart) out.add(s.substring(pieceStart, i));
            out.add(s.substring(i, j));
            pieceStart = i = j;
        }
        if (n > pieceStart) out.add(s.substring(pieceStart));
    }

    /** finalseg's Viterbi over B(egin) M(iddle) E(nd) S(ingle) tags, then words cut at E and S. */
    private static void viterbiCut(String s, List<String> out) {
        int n = s.length();
        double[] v = new double[4];
        int[][] back = new int[n][4];
        for (int y = 0; y < 4; y++) v[y] = Hmm.START[y] + Hmm.EMIT.get(y).getOrDefault(s.charAt(0), MIN_FLOAT);
        for (int t = 1; t < n; t++) {
            double[] nv = new double[4];
            for (int y = 0; y < 4; y++) {
                double em = Hmm.EMIT.get(y).getOrDefault(s.charAt(t), MIN_FLOAT);
                double bestP = Double.NEGATIVE_INFINITY;
                int bestS = -1;
                for (char c : PREV[y].toCharArray()) {
                    int y0 = STATES.indexOf(c);
                    double p = v[y0] + Hmm.TRANS[y0][y] + em;
                    // Python's max over (prob, state) tuples: ties go to the later letter
                    if (p > bestP || (p == bestP && c > STATES.charAt(bestS))) { bestP = p; bestS = y0; }
                }
                nv[y] = bestP;
                back[t][y] = bestS;
            }
            v = nv;
        }
        int e = 2, sIdx = 3; // final state: E or S, ties to S
        int state = v[sIdx] >= v[e] ? sIdx : e;
        char[] tags = new char[n];
        for (int t = n - 1; t >= 0; t--) {
            tags[t] = STATES.charAt(state);
            if (t > 0) state = back[t][state];
        }
        int begin = 0, next = 0;
        for (int i = 0; i < n; i++) {
            switch (tags[i]) {
                case 'B' -> begin = i;
                case 'E' -> { out.add(s.substring(begin, i + 1)); next = i + 1; }
                case 'S' -> { out.add(s.substring(i, i + 1)); next = i + 1; }
                default -> { }
            }
        }
        if (next < n) out.add(s.substring(next));
    }
}
