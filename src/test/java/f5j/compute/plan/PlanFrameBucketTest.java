package f5j.compute.plan;

import f5j.compute.Backend;
import f5j.dit.DiT;
import f5j.golden.GoldenFile;
import f5j.sampler.CfmSampler;
import f5j.sampler.SampleSettings;
import f5j.tensor.Tensor;
import f5j.testing.Goldens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plans padded to frame buckets ({@link PlanCompiler#planFrames}): the sampler builds the device plan at
 * a padded frame count with the padding masked, so one compiled plan serves many lengths. The valid
 * frames must not notice: every trajectory equals, bit for bit, the unpadded plan and the direct forward,
 * for the v0 model (text padding not masked) and the v1 model (masked), with and without guidance.
 */
class PlanFrameBucketTest {
    @ParameterizedTest
    @ValueSource(strings = {"f5tts-tiny-v0", "f5tts-tiny-v1"})
    void paddedPlansLeaveTheValidFramesUnchanged(String model) {
        DitPlanTest.Case c;
        try (GoldenFile g = GoldenFile.open(Goldens.file(model + "/forward_cfg.safetensors"))) {
            c = DitPlanTest.load(g);
        }
        Random r = new Random(7);
        int mel = c.dit().melDim(), condFrames = 11;
        float[] ref = new float[condFrames * mel];
        for (int i = 0; i < ref.length; i++) ref[i] = (float) r.nextGaussian();
        long[] text = new long[19];
        for (int i = 0; i < text.length; i++) text[i] = r.nextInt(c.dit().textNumEmbeds());
        for (SampleSettings s : new SampleSettings[] {new SampleSettings(4, 2.0, -1.0, "euler", 3, null),
                new SampleSettings(3, 0.0, null, "midpoint", 4, null)}) {
            Tensor direct = sample(c, Backend.cpu(), ref, text, s);
            for (int bucket : new int[] {1, 16, 64, 256}) {
                Backend be = PlanBackend.over(Backend.cpu(), bucket);
                assertThat(((PlanCompiler) be).planFrames(41)).isEqualTo(PlanCompiler.bucketed(41, bucket));
                float[] got = sample(c, be, ref, text, s).data;
                assertThat(firstDifference(got, direct.data)).as("%s bucket %d cfg %s", model, bucket, s.cfgStrength())
                        .isEmpty();
            }
        }
    }

    /** "" when equal bit for bit, else where and by how much they first differ (the arrays are long). */
    private static String firstDifference(float[] a, float[] b) {
        if (a.length != b.length) return "lengths " + a.length + " vs " + b.length;
        double max = 0;
        int first = -1;
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
                if (first < 0) first = i;
                max = Math.max(max, Math.abs(a[i] - b[i]));
            }
        }
        return first < 0 ? "" : "first at " + first + " (" + a[first] + " vs " + b[first] + "), max |diff| " + max;
    }

    private static Tensor sample(DitPlanTest.Case c, Backend be, float[] ref, long[] text, SampleSettings s) {
        DiT dit = DiT.load(c.sd(), c.arch(), be);
        int mel = dit.melDim();
        return new CfmSampler(dit).sample(new Tensor(ref.clone(), 1, ref.length / mel, mel), text, 41, s, null).trajectory();
    }
}
