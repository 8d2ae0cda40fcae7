package f5j.infer;

import f5j.util.F5jException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The infer_process text rules; expected values follow upstream's code paths for the same inputs. */
class InferTextTest {
    @Test
    void refTextEndingFix() {
        assertThat(InferText.fixRefText("Olá")).isEqualTo("Olá. ");
        assertThat(InferText.fixRefText("Olá.")).isEqualTo("Olá. ");
        assertThat(InferText.fixRefText("Olá. ")).isEqualTo("Olá. ");
        assertThat(InferText.fixRefText("你好。")).isEqualTo("你好。");
        assertThat(InferText.fixRefText("Olá!")).isEqualTo("Olá!. ");
        // infer_batch_process then adds a space after a final ASCII character
        assertThat(InferText.batchRefText("Olá. ")).isEqualTo("Olá.  ");
        assertThat(InferText.batchRefText("你好。")).isEqualTo("你好。");
    }

    @Test
    void shortChunksAreSlowedDown() {
        assertThat(InferText.localSpeed("Olá, oi", 1.0)).isEqualTo(0.3); // 8 bytes
        assertThat(InferText.localSpeed("você sabe", 1.0)).isEqualTo(1.0); // 10 bytes
        // 180 + int(180 / 10 * 8 / 0.3) = 180 + 480
        assertThat(InferText.duration(180, "0123456789", "Olá, oi", 1.0, null)).isEqualTo(660);
    }

    @Test
    void fixDurationIsTotalSecondsInFrames() {
        // int(2.5 * 24000 / 256) = int(234.375)
        assertThat(InferText.duration(180, "x", "anything", 1.0, 2.5)).isEqualTo(234);
        assertThat(InferText.sampleDuration(100, 30, 181)).isEqualTo(182);
        assertThat(InferText.sampleDuration(900, 30, 181)).isEqualTo(900);
    }

    @Test
    void maxCharsFromReferenceLength() {
        // int(36 / (46150 / 24000) * (22 - 46150 / 24000) * 1)
        assertThat(InferText.maxChars("O rato roeu a roupa do rei de Roma. ", 46150, 24000, 1.0)).isEqualTo(375);
        // past 22 s: int(5 / 23 * -1) truncates to 0, int(5 / 30 * -8) to -1
        assertThat(InferText.maxChars("abc. ", 24000 * 23, 24000, 1.0)).isZero();
        assertThat(InferText.maxChars("abc. ", 24000 * 30, 24000, 1.0)).isEqualTo(-1);
    }

    @Test
    void emptyTextIsAClearError() {
        assertThatThrownBy(() -> InferText.chunks("", "Olá. ", 24000, 24000, 1.0))
                .isInstanceOf(F5jException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> InferText.chunks(" \n\t", "Olá. ", 24000, 24000, 1.0))
                .isInstanceOf(F5jException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> InferText.maxChars("Olá. ", 0, 24000, 1.0)).isInstanceOf(F5jException.class);
    }

    @Test
    void torchaudioResampledLength() {
        assertThat(InferText.resampledLength(84800, 44100, 24000)).isEqualTo(46150);
        assertThat(InferText.resampledLength(46150, 24000, 24000)).isEqualTo(46150);
    }
}
