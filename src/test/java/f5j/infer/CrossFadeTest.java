package f5j.infer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CrossFadeTest {
    @Test
    void overlapsLinearlyAndKeepsTheRest() {
        float[] a = {1, 1, 1, 1, 1}, b = {3, 3, 3, 3};
        // 3 samples of overlap: a fades 1 -> 0 while b fades 0 -> 1
        float[] j = CrossFade.join(List.of(a, b), 3, 1);
        assertThat(j).hasSize(a.length + b.length - 3);
        assertThat(j[0]).isEqualTo(1);
        assertThat(j[2]).isEqualTo(1);
        assertThat(j[3]).isCloseTo(2, within(1e-6f));
        assertThat(j[4]).isEqualTo(3);
        assertThat(j[5]).isEqualTo(3);
    }

    @Test
    void overlapIsCappedByTheShorterWaveAndZeroMeansConcatenate() {
        float[] a = {1, 2}, b = {5, 6, 7};
        assertThat(CrossFade.join(List.of(a, b), 10, 1)).hasSize(3);
        assertThat(CrossFade.join(List.of(a, b), 0, 1)).containsExactly(1, 2, 5, 6, 7);
    }
}
