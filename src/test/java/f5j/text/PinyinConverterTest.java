package f5j.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected token lists are upstream's convert_char_to_pinyin output (jieba 0.42.1, pypinyin). */
class PinyinConverterTest {
    @Test
    void asciiRunsAreSplitFromAccentedLetters() {
        assertThat(PinyinConverter.convertJoined("uma voz sintética, almoçar")).isEqualTo("uma voz sinté tica, almoç ar");
    }

    @Test
    void translationTableAndQuotes() {
        assertThat(PinyinConverter.convert("São Paulo; “aspas”")).containsExactly(
                "S", "ã", "o", " ", "P", "a", "u", "l", "o", ",", " ", "\"", "a", "s", "p", "a", "s", "\"");
        assertThat(PinyinConverter.convert("他说：“hello”")).containsExactly(
                " ", "ta1", " ", "shuo1", "：", "\"", "h", "e", "l", "l", "o", "\"");
    }

    @Test
    void toneSandhiWithinWords() {
        assertThat(PinyinConverter.convert("一定要一起走，不是吗？")).containsExactly(
                " ", "yi2", " ", "ding4", " ", "yao4", " ", "yi4", " ", "qi3", " ", "zou3", "，",
                " ", "bu2", " ", "shi4", " ", "ma", "？");
    }

    @Test
    void dictionaryWordsMixingLatinAndHan() {
        // "T恤" is one dictionary word (no space before the T); "C++" is a pure-ASCII word and gets one.
        assertThat(PinyinConverter.convert("我买了一件T恤，C++很难。")).containsExactly(
                " ", "wo3", " ", "mai3", " ", "le", " ", "yi1", " ", "jian4", "T", " ", "xu4", "，",
                " ", "C", "+", "+", " ", "hen3", " ", "nan2", "。");
    }

    @Test
    void crlfIsOneSegment() {
        assertThat(PinyinConverter.convert("你好\r\nhello")).containsExactly(
                " ", "ni2", " ", "hao3", " ", "\r", "\n", " ", "h", "e", "l", "l", "o");
    }

    @Test
    void emptyTextGivesNoTokens() {
        assertThat(PinyinConverter.convert("")).isEqualTo(List.of());
    }
}
