package f5j.audio;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * PocketRfft and SleefF.cos reproduce torch's float32 arithmetic; the goldens check that bit for bit at
 * n = 1024. These check every size's radix-2/radix-4 plan against a double-precision DFT, and the cosine
 * against a correctly rounded one.
 */
class PocketRfftTest {
    @Test
    void matchesAnExactDftForEveryPowerOfTwo() {
        Random r = new Random(7);
        for (int n = 2; n <= 2048; n *= 2) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
            float[] y = x.clone();
            new PocketRfft(n).forward(y, new float[n]);
            double tol = 1e-5 * Math.sqrt(n) * Math.log(n + 1);
            for (int k = 0; k <= n / 2; k++) {
                double re = 0, im = 0;
                for (int t = 0; t < n; t++) {
                    double a = 2 * Math.PI * ((long) k * t % n) / n;
                    re += x[t] * Math.cos(a);
                    im -= x[t] * Math.sin(a);
                }
                float gotRe = k == 0 ? y[0] : k == n / 2 ? y[n - 1] : y[2 * k - 1];
                float gotIm = k == 0 || k == n / 2 ? 0f : y[2 * k];
                assertThat((double) gotRe).as("n=%d k=%d re", n, k).isCloseTo(re, within(tol));
                assertThat((double) gotIm).as("n=%d k=%d im", n, k).isCloseTo(im, within(tol));
            }
        }
        assertThat(PocketRfft.supports(1000)).isFalse();
    }
}
