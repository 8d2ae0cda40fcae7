package f5j.infer;

import f5j.tensor.Tensor;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SynthesizerTest {
    private static Reference ref(double seconds, int rate) {
        float[] x = new float[(int) (seconds * rate)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.2 * Math.sin(i * 0.03));
        return new Reference(new float[][] {x}, rate, "O rato roeu a roupa do rei de Roma. ", "ref.wav");
    }

    @Test
    void aReferenceLongerThanTheChunkBudgetIsAUserError() {
        assertThatThrownBy(() -> Synthesizer.chunkText(ref(23, 8000), "Olá, tudo bem?", 1.0))
                .isInstanceOf(F5jException.class).hasMessageContaining("ref.wav").hasMessageContaining("22 s");
    }

    @Test
    void emptyTextsAreUserErrors() {
        assertThatThrownBy(() -> Synthesizer.chunkText(ref(2, 8000), " \n ", 1.0)).isInstanceOf(F5jException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> new Reference(new float[][] {{0.1f}}, 8000, "  ", "ref.wav"))
                .isInstanceOf(F5jException.class).hasMessageContaining("reference text is empty");
    }

    @Test
    void chunksFollowTheReferenceSize() {
        // a 2 s reference with a 36-byte text allows int(36 / 2 * 20) = 360 bytes per chunk
        String sentence = "Eu sou uma voz sintética e falo devagar. ";
        List<String> chunks = Synthesizer.chunkText(ref(2, 8000), sentence.repeat(20), 1.0);
        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks).allMatch(c -> c.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 360);
    }

    @Test
    void dropsTheReferenceFramesAndTransposes() {
        // 1 x 4 frames x 2 channels, values = 10 * frame + channel
        float[] m = new float[8];
        for (int f = 0; f < 4; f++) for (int k = 0; k < 2; k++) m[f * 2 + k] = 10 * f + k;
        Tensor out = Synthesizer.dropReference(new Tensor(m, 1, 4, 2), 1);
        assertThat(out.shape).containsExactly(1, 2, 3);
        assertThat(out.data).containsExactly(10, 20, 30, 11, 21, 31);
    }

    @Test
    void monoIsTheChannelMean() {
        float[] mono = Synthesizer.mono(new float[][] {{1, 2}, {3, -2}});
        assertThat(mono).containsExactly(2, 0);
    }

    @Test
    void aNonFiniteMelIsAnErrorNamingTheStageNotASilentWav() {
        // One NaN out of a layer (settings are validated, weights are checked at load: this is what is left, e.g.
        // an overflow) makes every later ODE step NaN: the synthesis must stop there.
        f5j.compute.Backend cpu = f5j.compute.Backend.cpu();
        f5j.compute.Backend poisoned = new f5j.compute.Backend() {
            @Override public String name() { return "nan-after-linear"; }

            @Override public void execute(f5j.compute.Op op) {
                cpu.execute(op);
                if (op instanceof f5j.compute.Op.Linear l) l.y()[0] = Float.NaN;
            }
        };
        Synthesizer s = Synthesizer.load(java.nio.file.Path.of("weights/f5tts-tiny-v1"), java.nio.file.Path.of("weights/vocos-tiny"),
                poisoned);
        Reference r = ref(2, 24000);
        SynthSettings settings = new SynthSettings(2, 2.0, -1.0, 1.0, null, 0.1, 0.15, "euler");
        assertThatThrownBy(() -> s.synthesize(r, List.of("Olá."), c -> 7, settings, Synthesizer.Listener.NONE))
                .isInstanceOf(F5jException.class)
                .hasMessageStartingWith("chunk 1: the sampler's mel (the DiT's ODE solution) holds NaN at element");
    }
}
