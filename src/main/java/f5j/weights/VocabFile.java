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
    public static int size(Path vocab) {
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
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            String line = text.substring(start, end);
            keys.add(line.substring(0, line.offsetByCodePoints(line.length(), -1)));
            start = end;
        }
        if (keys.isEmpty()) throw new F5jException(vocab + ": the vocab is empty");
        return keys.size();
    }
}
