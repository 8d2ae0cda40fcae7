package f5j.audio;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** ISTFT(STFT(x)) = x for both of Vocos' padding modes (golden parity of "center" is in VocosGoldenTest). */
class StftTest {
    private static final int N_FFT = 64, HOP = 16;

    private static float[] signal(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (0.5 * Math.sin(i * 0.3) + 0.25 * Math.cos(i * 1.7 + 0.2));
        return x;
    }

    private static float[] roundTrip(float[] padded, int trim) {
        float[] w = Stft.hannPeriodic(N_FFT);
        Stft.Spectrum s = Stft.forward(padded, N_FFT, HOP, w);
        int bins = N_FFT / 2 + 1, t = s.frames();
        float[] re = new float[t * bins], im = new float[t * bins];
        for (int f = 0; f < t; f++) {
            for (int k = 0; k < bins; k++) {
                re[f * bins + k] = (float) s.re()[f][k];
                im[f * bins + k] = (float) s.im()[f][k];
            }
        }
        return Stft.istft(re, im, t, N_FFT, HOP, w, trim);
    }

    @Test
    void centerPaddingReconstructsLikeTorchIstft() {
        float[] x = signal(20 * HOP + 5);
        float[] y = roundTrip(Stft.reflectPad(x, N_FFT / 2, N_FFT / 2), N_FFT / 2);
        assertThat(y).hasSize(20 * HOP); // hop * (frames - 1)
        for (int i = 0; i < y.length; i++) assertThat(y[i]).isCloseTo(x[i], within(1e-5f));
    }

    @Test
    void samePaddingReconstructsTheWholeSignal() {
        float[] x = signal(20 * HOP);
        int pad = (N_FFT - HOP) / 2;
        float[] y = roundTrip(Stft.reflectPad(x, pad, pad), pad);
        assertThat(y).hasSize(x.length);
        for (int i = 0; i < y.length; i++) assertThat(y[i]).isCloseTo(x[i], within(1e-5f));
    }

    @Test
    void periodicHannAndReflectPadding() {
        assertThat(Stft.hannPeriodic(4)).containsExactly(0f, 0.5f, 1f, 0.5f);
        assertThat(Stft.reflectPad(new float[] {1, 2, 3, 4}, 2, 3)).containsExactly(3, 2, 1, 2, 3, 4, 3, 2, 1);
        assertThat(Stft.padWindow(new float[] {1, 1}, 4)).containsExactly(0, 1, 1, 0);
    }
}
