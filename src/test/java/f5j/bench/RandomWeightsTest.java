package f5j.bench;

import f5j.compute.Backend;
import f5j.config.DitArch;
import f5j.config.Presets;
import f5j.dit.DiT;
import f5j.tensor.Tensor;
import f5j.trace.Trace;
import f5j.vocoder.Vocos;
import f5j.vocoder.VocosConfig;
import f5j.vocoder.VocosShapes;
import f5j.weights.DitShapes;
import f5j.weights.Param;
import f5j.weights.RawTensor;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Random weights follow the models' parameter lists (buffers left to the model) and load and run as they are. */
class RandomWeightsTest {
    @Test
    void randomDitIsTheDeclarationLessBuffersAndRunsToFiniteOutput() {
        DitArch a = new DitArch(64, 2, 4, 16, 2, 32, true, "rms_norm", 2, null, false, true);
        Map<String, RawTensor> sd = RandomWeights.dit(a, 11, 20, 3);
        assertThat(sd.keySet()).containsExactlyElementsOf(DitShapes.params(a, 10, 20).stream()
                .filter(p -> !(p.init() instanceof Param.Buffer)).map(Param::name).toList());
        assertThat(RandomWeights.dit(a, 11, 20, 3).get("transformer.proj_out.weight").toFloats())
                .containsExactly(sd.get("transformer.proj_out.weight").toFloats());

        DiT dit = DiT.load(sd, a, Backend.cpu());
        int n = 12;
        Tensor x = new Tensor(noise(n * 20, 1), 1, n, 20), cond = new Tensor(noise(n * 20, 2), 1, n, 20);
        float[] y = dit.forward(x, cond, new long[][] {{1, 2, 3, 9}}, new float[] {0.3f}, null, false, false, true, Trace.OFF).data;
        assertThat(y).hasSize(2 * n * 20);
        for (float v : y) assertThat(Float.isFinite(v)).isTrue();
    }

    @Test
    void randomVocosLoadsAndDecodesToFiniteAudio() {
        VocosConfig c = VocosConfig.load(Presets.path("vocos-mel-24khz"));
        Map<String, RawTensor> sd = RandomWeights.vocos(c, 5);
        assertThat(sd).doesNotContainKeys("head.istft.window", "feature_extractor.mel_spec.mel_scale.fb");
        assertThat(sd.keySet()).hasSize(VocosShapes.params(c).size() - 3);
        float[] audio = Vocos.fromStateDict(sd, c, Backend.cpu()).decode(new Tensor(noise(100 * 6, 4), 1, 100, 6), Trace.OFF).data;
        assertThat(audio).isNotEmpty();
        for (float v : audio) assertThat(Float.isFinite(v)).isTrue();
    }

    private static float[] noise(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
