package f5j.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected segments are jieba 0.42.1's {@code list(jieba.cut(text))}. */
class JiebaTest {
    @Test
    void dictionaryWords() {
        assertThat(Jieba.cut("重庆的长江大桥很长。")).containsExactly("重庆", "的", "长江大桥", "很长", "。");
    }

    @Test
    void hmmFindsWordsMissingFromTheDictionary() {
        // 杭研 is in no dictionary: the HMM joins it
        assertThat(Jieba.cut("他来到了网易杭研大厦")).containsExactly("他", "来到", "了", "网易", "杭研", "大厦");
    }

    @Test
    void asciiWordsNumbersAndSymbols() {
        assertThat(Jieba.cut("F5-TTS v1.0 (2025) — teste")).containsExactly(
                "F5", "-", "TTS", " ", "v1.0", " ", "(", "2025", ")", " ", "—", " ", "teste");
        assertThat(Jieba.cut("C++ e AT&T, 50% de 3.14")).containsExactly(
                "C++", " ", "e", " ", "AT&T", ",", " ", "50%", " ", "de", " ", "3.14");
    }
}
