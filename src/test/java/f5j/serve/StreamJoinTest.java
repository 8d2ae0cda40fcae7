package f5j.serve;

import f5j.infer.CrossFade;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** CrossFade.Stream, as the stream endpoint uses it, gives exactly CrossFade.join's samples. */
class StreamJoinTest {
    private static float[] streamed(List<float[]> waves, double seconds, int rate) {
        CrossFade.Stream s = new CrossFade.Stream(seconds, rate);
        List<float[]> parts = new ArrayList<>();
        for (float[] w : waves) parts.add(s.add(w));
        parts.add(s.finish());
        int n = parts.stream().mapToInt(p -> p.length).sum(), off = 0;
        float[] out = new float[n];
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    @Test
    void equalsJoinBitForBitForAnyChunkLengths() {
        Random r = new Random(3);
        // fades longer than some waves (the fade then reaches into earlier, already faded samples), of 1 sample, none
        int[][] lengths = {{50, 40, 30}, {5, 3, 20, 2, 9}, {1, 1, 1}, {0, 12, 0, 7}, {100}, {}};
        double[] fades = {0, 1e-3, 0.002, 0.01, 0.15, 1};
        for (int[] ls : lengths) {
            for (double f : fades) {
                List<float[]> waves = new ArrayList<>();
                for (int l : ls) {
                    float[] w = new float[l];
                    for (int i = 0; i < l; i++) w[i] = (float) r.nextGaussian();
                    waves.add(w);
                }
                float[] join = CrossFade.join(waves, f, 1000);
                float[] stream = streamed(waves, f, 1000);
                assertThat(stream).as("lengths %s, fade %s s", java.util.Arrays.toString(ls), f).hasSize(join.length);
                for (int i = 0; i < join.length; i++) {
                    assertThat(Float.floatToRawIntBits(stream[i])).as("sample %d", i).isEqualTo(Float.floatToRawIntBits(join[i]));
                }
            }
        }
    }

    @Test
    void holdsBackOnlyWhatTheNextFadeCanChange() {
        CrossFade.Stream s = new CrossFade.Stream(0.01, 1000); // 10 samples
        assertThat(s.add(new float[25])).hasSize(15);
        assertThat(s.add(new float[30])).hasSize(20); // 10 faded + 20 new, 10 held again
        assertThat(s.finish()).hasSize(10);
    }
}
