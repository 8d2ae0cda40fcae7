package f5j.weights;

import f5j.util.F5jException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** A vocab.txt (one token a line, line number = id) as far as the checkpoint import needs it: its size. */
public final class VocabFile {
    private VocabFile() {}

    /**
     * The vocab size the model was built with: upstream's {@code get_tokenizer} maps each line minus its
     * last character (the newline) to its index and takes the number of distinct keys.
     */
    public static int size(Path vocab) { return keys(vocab).size(); }

    /**
     * Runs a shape check that depends on the vocab size; when it fails and the vocab repeats a line (which
     * upstream counts once, so the size is smaller than the line count), the error names the repeat.
     */
    public static void explainShapeError(Path vocab, Runnable check) {
        try {
            check.run();
        } catch (F5jException e) {
            String dup = firstDuplicate(vocab);
            if (dup == null) throw e;
            throw new F5jException(e.getMessage() + "; note: " + vocab + " " + dup, e);
        }
    }

    /** "line N repeats line M ('x'), ..." for the first repeated token, or null. */
    static String firstDuplicate(Path vocab) {
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        Keys k = keys(vocab);
        java.util.List<String> lines = k.lines();
        for (int i = 0; i < lines.size(); i++) {
            Integer first = seen.putIfAbsent(lines.get(i), i + 1);
            if (first != null) {
                return "line " + (i + 1) + " repeats line " + first + " (" + escaped(lines.get(i)) + "), and upstream counts"
                        + " distinct lines: " + lines.size() + " lines give a vocab size of " + k.size();
            }
        }
        return null;
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder("'");
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f || Character.isWhitespace(c) && c != ' ') b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return b.append('\'').toString();
    }

    private record Keys(Set<String> set, java.util.List<String> lines) {
        int size() { return set.size(); }
    }

    private static Keys keys(Path vocab) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(vocab))).toString();
        } catch (NoSuchFileException e) {
            throw new F5jException(vocab + ": missing vocab (no such file)");
        } catch (CharacterCodingException e) {
            throw new F5jException(vocab + ": vocab is not valid UTF-8");
        } catch (IOException e) {
            throw new F5jException(vocab + ": cannot read the vocab (" + e.getMessage() + ")");
        }
        // Python reads text files with universal newlines.
        text = text.replace("\r\n", "\n").replace('\r', '\n');
        Set<String> keys = new HashSet<>();
        java.util.List<String> lines = new java.util.ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            String line = text.substring(start, end);
            String key = line.substring(0, line.offsetByCodePoints(line.length(), -1));
            keys.add(key);
            lines.add(key);
            start = end;
        }
        if (keys.isEmpty()) throw new F5jException(vocab + ": the vocab is empty");
        return new Keys(keys, lines);
    }
}
