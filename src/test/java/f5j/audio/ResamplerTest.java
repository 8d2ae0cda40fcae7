package f5j.audio;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Golden parity of the resampler is in {@link FrontendGoldenTest}; these check its length and edge rules. */
class ResamplerTest {
    @Test
    void outputLengthIsCeilOfTheRatio() {
        float[] x = new float[1001];
        assertThat(Resampler.resample(x, 44100, 24000)).hasSize(545);   // ceil(80 * 1001 / 147)
        assertThat(Resampler.resample(x, 16000, 24000)).hasSize(1502);  // ceil(3 * 1001 / 2)
        assertThat(Resampler.resample(x, 24000, 8000)).hasSize(334);    // ceil(1001 / 3)
        assertThat(Resampler.resample(new float[1], 22050, 24000)).hasSize(2);
    }

    @Test
    void equalRatesReturnTheInputAndRatesReduceByTheirGcd() {
        float[] x = new float[300];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.05);
        assertThat(Resampler.resample(x, 24000, 24000)).isSameAs(x);
        assertThat(new Resampler(44100, 24000).apply(x)).containsExactly(new Resampler(147, 80).apply(x));
    }

    @Test
    void keepsALowToneAndItsLevel() {
        int n = 8000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.sin(2 * Math.PI * 440 * i / 16000.0);
        float[] y = Resampler.resample(x, 16000, 24000);
        for (int j = 200; j < y.length - 200; j++) {
            assertThat(y[j]).isCloseTo((float) Math.sin(2 * Math.PI * 440 * j / 24000.0), within(2e-3f));
        }
    }

    @Test
    void coprimeRatesBuildFiltersOnTheFly() {
        // 44101 and 24000 share no factor: a filter table would hold 24000 x 44125 taps
        int n = 44101 / 2;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.sin(2 * Math.PI * 440 * i / 44101.0);
        float[] y = Resampler.resample(x, 44101, 24000);
        assertThat(y).hasSize((int) Math.ceil(24000.0 * n / 44101));
        for (int j = 300; j < y.length - 300; j += 7) {
            assertThat(y[j]).isCloseTo((float) Math.sin(2 * Math.PI * 440 * j / 24000.0), within(2e-3f));
        }
    }
}
