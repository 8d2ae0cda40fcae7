package f5j.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected chunks are upstream chunk_text's output for the same input. */
class TextChunkerTest {
    @Test
    void fullWidthPunctuationSplitsWithoutWhitespace() {
        assertThat(TextChunker.chunk("你好。世界！今天很好，我们走吧？好的", 10))
                .containsExactly("你好。", "世界！", "今天很好，", "我们走吧？", "好的");
    }

    @Test
    void asciiPunctuationNeedsWhitespace() {
        assertThat(TextChunker.chunk("Hi. Ok! 你好。 yes", 6)).containsExactly("Hi.", "Ok!", "你好。", "yes");
        assertThat(TextChunker.chunk("3.5 kg, ok", 100)).containsExactly("3.5 kg, ok");
    }

    @Test
    void lengthsAreUtf8Bytes() {
        // "ação," is 5 characters but 7 bytes
        assertThat(TextChunker.chunk("ação, e", 6)).containsExactly("ação,", "e");
        assertThat(TextChunker.chunk("ação, e", 7)).containsExactly("ação,", "e");
        assertThat(TextChunker.chunk("ação, e", 9)).containsExactly("ação, e");
    }

    @Test
    void nonPositiveMaxCharsGivesOneSentencePerChunk() {
        assertThat(TextChunker.chunk("a, b", -3)).containsExactly("a,", "b");
    }
}
