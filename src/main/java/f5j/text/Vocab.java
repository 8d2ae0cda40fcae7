package f5j.text;

import f5j.util.F5jException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code vocab.txt} read as upstream's {@code get_tokenizer} reads it: Python text mode (UTF-8, universal
 * newlines: {@code \r\n}, {@code \r} and {@code \n} all end a line), token = the line minus its last
 * character, id = line number. So a last line without a newline loses its final character, and a token
 * listed twice keeps the id of its later line (the model's embedding size is then the number of distinct
 * tokens, {@link #size()}). Unknown tokens map to id 0, which is why 0 should be the space.
 */
public final class Vocab {
    private final Path file;
    private final Map<String, Integer> ids;

    private Vocab(Path file, Map<String, Integer> ids) {
        this.file = file;
        this.ids = ids;
    }

    public static Vocab load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new F5jException(file + ": vocab file not found");
        } catch (IOException e) {
            throw new F5jException(file + ": cannot read vocab file: " + e.getMessage(), e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new F5jException(file + ": vocab file is not valid UTF-8");
        }
        Map<String, Integer> ids = new HashMap<>();
        int lineNo = 0, start = 0, n = text.length();
        while (start < n) {
            int end = start;
            while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') end++;
            String token;
            int next;
            if (end < n) { // the newline is the character dropped
                token = text.substring(start, end);
                next = text.charAt(end) == '\r' && end + 1 < n && text.charAt(end + 1) == '\n' ? end + 2 : end + 1;
            } else { // last line without newline: Python's char[:-1] drops its last code point
                token = text.substring(start, text.offsetByCodePoints(end, -1));
                next = end;
            }
            ids.put(token, lineNo++);
            start = next;
        }
        if (ids.isEmpty()) throw new F5jException(file + ": vocab file is empty");
        return new Vocab(file, Collections.unmodifiableMap(ids));
    }

    /** Number of distinct tokens: upstream's {@code vocab_size} ({@code text_num_embeds}). */
    public int size() { return ids.size(); }

    /** The id of a token, or -1 if the vocab lacks it. */
    public int id(String token) { return ids.getOrDefault(token, -1); }

    /** Whether the space is id 0, as upstream asserts for its pinyin/char vocabs (0 doubles as "unknown"). */
    public boolean spaceIsZero() { return Integer.valueOf(0).equals(ids.get(" ")); }

    /** {@code list_str_to_idx} of one text: unknown tokens become 0. See {@link #unknown} for which. */
    public long[] ids(List<String> tokens) {
        long[] out = new long[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) out[i] = ids.getOrDefault(tokens.get(i), 0);
        return out;
    }

    /**
     * The tokens the vocab lacks, with how often each occurs, in order of first appearance. Upstream maps
     * them silently to id 0 (the space): text in a script the model never saw turns into pauses.
     */
    public Map<String, Integer> unknown(List<String> tokens) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String t : tokens) if (!ids.containsKey(t)) out.merge(t, 1, Integer::sum);
        return out;
    }

    /** The token with control, format and unassigned characters written as u-escapes, so a warning cannot drive the terminal. */
    static String printable(String t) {
        StringBuilder sb = new StringBuilder();
        t.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            boolean hidden = type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR || type == Character.PRIVATE_USE
                    || type == Character.SURROGATE;
            if (hidden) for (char ch : Character.toChars(cp)) sb.append(String.format("\\u%04X", (int) ch));
            else sb.appendCodePoint(cp);
        });
        return sb.toString();
    }

    /** A one-line warning naming the unknown tokens (with their code points), or null if there are none. */
    public String describeUnknown(List<String> tokens) {
        Map<String, Integer> unk = unknown(tokens);
        if (unk.isEmpty()) return null;
        List<String> parts = new ArrayList<>();
        unk.forEach((t, c) -> {
            StringBuilder cps = new StringBuilder();
            t.codePoints().forEach(cp -> cps.append(cps.isEmpty() ? "" : " ").append(String.format("U+%04X", cp)));
            parts.add("'" + printable(t) + "' (" + cps + ") x" + c);
        });
        return unk.size() + " token(s) not in " + file.getFileName() + ", read as id 0"
                + (spaceIsZero() ? " (space)" : "") + ": " + String.join(", ", parts);
    }
}
