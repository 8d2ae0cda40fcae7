package f5j.numerics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Bit-exactness against torch is checked by the goldens (hann window, timestep embedding); here the bounds. */
class SleefFTest {
    @Test
    void cosIsWithinTwoUlpsInItsRangeAndNanOutside() {
        for (float a = -124f; a < 124f; a += 0.0137f) {
            float want = (float) Math.cos(a);
            assertThat(SleefF.cos(a)).as("cos(%s)", a).isCloseTo(want, within(2.01f * Math.ulp(want) + 1e-30f));
        }
        assertThat(SleefF.cos(125f)).isNaN();
    }

    @Test
    void expIsWithinOneUlpOfTheExactValue() {
        for (float a = -80f; a < 80f; a += 0.0173f) {
            double want = Math.exp(a);
            assertThat((double) SleefF.exp(a)).as("exp(%s)", a).isCloseTo(want, within((double) Math.ulp((float) want)));
        }
    }
}
