package f5j.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's {@code chunk_text}: split after sentence punctuation, then pack sentences greedily into chunks
 * of at most {@code maxChars} UTF-8 bytes (not characters: "ç" counts 2, a Chinese character 3).
 *
 * <p>Split points: after one of {@code ; : , . ! ?} followed by whitespace (the whitespace run is dropped),
 * and right after one of the full-width {@code ； ： ， 。 ！ ？} (nothing dropped). A sentence whose last
 * character is ASCII gets a space appended when added to a chunk; chunks are stripped. A single sentence
 * longer than {@code maxChars} becomes its own chunk, unsplit.
 */
public final class TextChunker {
    private static final String ASCII_ENDS = ";:,.!?";
    private static final String WIDE_ENDS = "；：，。！？";

    private TextChunker() {}

    public static List<String> chunk(String text, int maxChars) {
        List<String> chunks = new ArrayList<>();
        String current = "";
        for (String sentence : sentences(text)) {
            if (sentence.isEmpty()) continue;
            String piece = PyStr.last(sentence) < 0x80 ? sentence + " " : sentence;
            if (PyStr.utf8Length(current) + PyStr.utf8Length(sentence) <= maxChars) {
                current += piece;
            } else {
                if (!current.isEmpty()) chunks.add(PyStr.strip(current));
                current = piece;
            }
        }
        if (!current.isEmpty()) chunks.add(PyStr.strip(current));
        return chunks;
    }

    /** {@code re.split(r"(?<=[;:,.!?])\s+|(?<=[；：，。！？])", text)}, empty pieces included. */
    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        int pieceStart = 0, i = 0, n = text.length();
        while (i <= n) {
            int prev = i > 0 ? text.codePointBefore(i) : -1;
            if (prev >= 0 && ASCII_ENDS.indexOf(prev) >= 0 && i < n && PyStr.isSpace(text.codePointAt(i))) {
                int j = i;
                while (j < n && PyStr.isSpace(text.codePointAt(j))) j += Character.charCount(text.codePointAt(j));
                out.add(text.substring(pieceStart, i));
                pieceStart = i = j;
                continue;
            }
            if (prev >= 0 && WIDE_ENDS.indexOf(prev) >= 0) { // an empty match: split, drop nothing
                out.add(text.substring(pieceStart, i));
                pieceStart = i;
            }
            if (i == n) break;
            i += Character.charCount(text.codePointAt(i));
        }
        out.add(text.substring(pieceStart));
        return out;
    }
}
