package f5j.infer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** --remove-silence: upstream's split_on_silence(min 1000 ms, -50 dBFS, keep 500 ms, seek 10 ms), pieces appended. */
class SilenceRemovalTest {
    static final int RATE = 24000;

    private static float[] tone(float[] x, int fromMs, int toMs) {
        for (int i = fromMs * RATE / 1000; i < toMs * RATE / 1000; i++) x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * i / RATE));
        return x;
    }

    @Test
    void longSilenceShrinksToTheKeptMargins() {
        float[] x = tone(tone(new float[7 * RATE], 0, 2000), 5000, 7000); // 2 s tone, 3 s silence, 2 s tone
        float[] y = SilenceRemoval.apply(x, RATE);
        // each piece keeps 500 ms of the silence beside it: 2.5 s + 2.5 s
        assertThat(y.length).isEqualTo(5 * RATE);
        assertThat(y[2 * RATE + RATE / 4]).isZero(); // the kept silence
        assertThat(y[3 * RATE]).isEqualTo(SilenceRemovalTest.pcm(x[5 * RATE]));
    }

    @Test
    void shortPausesStay() {
        float[] x = tone(tone(new float[4 * RATE], 0, 1500), 2300, 4000); // an 800 ms pause is under the 1 s minimum
        assertThat(SilenceRemoval.apply(x, RATE)).hasSize(x.length);
    }

    /** The value after the 16-bit round trip upstream's WAV export makes. */
    static float pcm(float v) { return SilenceRemoval.pcm16(v) / 32768f; }
}
