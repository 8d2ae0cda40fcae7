package f5j.text;

import f5j.testing.Goldens;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VocabTest {
    @TempDir Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void goldenVocabsHaveSpaceAtZero() {
        for (String f : List.of("vocab_emilia.txt", "f5tts-tiny-v0/vocab.txt", "f5tts-tiny-v1/vocab.txt")) {
            Vocab v = Vocab.load(Goldens.file(f));
            assertThat(v.spaceIsZero()).as(f).isTrue();
            assertThat(v.size()).as(f).isGreaterThan(1);
        }
    }

    @Test
    void linesAsPythonTextModeReadsThem() throws IOException {
        // \r\n and \r end lines; a last line without newline loses its last character; a repeated token
        // keeps its later line number and counts once.
        Vocab v = Vocab.load(write("v.txt", " \r\na\rb\nc\na\nxyz"));
        assertThat(v.id(" ")).isZero();
        assertThat(v.id("a")).isEqualTo(4);
        assertThat(v.id("b")).isEqualTo(2);
        assertThat(v.id("xy")).isEqualTo(5);
        assertThat(v.id("xyz")).isEqualTo(-1);
        assertThat(v.size()).isEqualTo(5);
    }

    @Test
    void unknownTokensBecomeZeroAndAreReported() throws IOException {
        Vocab v = Vocab.load(write("v.txt", " \na\nb\n"));
        List<String> tokens = List.of("a", "ж", " ", "ж", "b", "ni3");
        assertThat(v.ids(tokens)).containsExactly(1, 0, 0, 0, 2, 0);
        assertThat(v.unknown(tokens)).containsExactly(Map.entry("ж", 2), Map.entry("ni3", 1));
        assertThat(v.describeUnknown(tokens)).contains("2 token(s)", "U+0436", "'ni3'", "(space)");
        assertThat(v.describeUnknown(List.of("a"))).isNull();
    }

    @Test
    void missingEmptyOrBinaryFileIsAClearError() throws IOException {
        Path missing = dir.resolve("nope.txt");
        assertThatThrownBy(() -> Vocab.load(missing)).isInstanceOf(F5jException.class)
                .hasMessageContaining("nope.txt").hasMessageContaining("not found");
        Path empty = write("empty.txt", "");
        assertThatThrownBy(() -> Vocab.load(empty)).isInstanceOf(F5jException.class)
                .hasMessageContaining("empty.txt").hasMessageContaining("empty");
        Path bad = Files.write(dir.resolve("bad.txt"), new byte[] {' ', '\n', (byte) 0xC3, '\n'});
        assertThatThrownBy(() -> Vocab.load(bad)).isInstanceOf(F5jException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void unknownCharactersArePrintedEscaped() throws IOException {
        Vocab v = Vocab.load(write("v.txt", " \na\n"));
        String w = v.describeUnknown(List.of("a", "\u0007", "\u001b[2J", "\u200b"));
        assertThat(w).contains("'\\u0007' (U+0007)", "'\\u001B[2J'", "'\\u200B' (U+200B)").doesNotContain("\u0007", "\u001b", "\u200b");
    }
}
