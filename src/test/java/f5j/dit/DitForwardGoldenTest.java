package f5j.dit;

import f5j.golden.DitForwardKind;
import f5j.golden.GoldenFile;
import f5j.golden.GoldenModel;
import f5j.golden.GoldenReport;
import f5j.golden.Metrics;
import f5j.golden.VerifyOptions;
import f5j.tensor.Tensor;
import f5j.testing.GoldenRun;
import f5j.testing.Goldens;
import f5j.trace.Trace;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every dit_forward golden (cfg-packed and masked batch, v0 and v1 architectures), all module outputs. */
class DitForwardGoldenTest {
    @ParameterizedTest
    @ValueSource(strings = {"f5tts-tiny-v0/forward_cfg.safetensors", "f5tts-tiny-v0/forward_masked.safetensors",
            "f5tts-tiny-v1/forward_cfg.safetensors", "f5tts-tiny-v1/forward_masked.safetensors"})
    void matchesPyTorch(String golden) {
        GoldenReport r = GoldenRun.verifyPasses(golden);
        assertThat(GoldenRun.activations(r)).as("compared act/ tensors").isPositive();
        assertThat(r.checks()).anyMatch(c -> c.name().equals("out/pred"));
    }

    @Test
    void textEmbeddingCacheIsFilledOnceAndGivesTheSamePrediction() {
        try (GoldenFile g = GoldenFile.open(Goldens.file("f5tts-tiny-v1/forward_cfg.safetensors"))) {
            DiT dit = new GoldenModel().load(g, GoldenRun.CPU);
            Tensor x = g.input("x"), cond = g.input("cond");
            long[][] text = DitForwardKind.rows(g.raw("inputs/text").toLongs(), 1);
            float[] time = g.input("time").data;
            float[] want = g.raw("out/pred").toFloats();
            Trace first = Trace.all(), second = Trace.all();
            float[] a, b;
            try {
                a = dit.forward(x, cond, text, time, null, false, false, true, true, first).data;
                b = dit.forward(x, cond, text, time, null, false, false, true, true, second).data;
            } finally {
                dit.clearCache();
            }
            assertThat(Metrics.relError(a, want)).isLessThan(1e-4);
            assertThat(b).containsExactly(a);
            assertThat(first.recorded()).containsKeys("text_embed#0", "text_embed#1");
            assertThat(second.recorded().keySet()).noneMatch(k -> k.startsWith("text_embed"));
        }
    }

    @Test
    void tokenOutsideTheVocabularyIsAUserError() {
        try (GoldenFile g = GoldenFile.open(Goldens.file("f5tts-tiny-v1/forward_cfg.safetensors"))) {
            DiT dit = new GoldenModel().load(g, GoldenRun.CPU);
            Tensor x = g.input("x");
            long[][] text = {{3, dit.textNumEmbeds()}};
            assertThatThrownBy(() -> dit.forward(x, x, text, new float[] {0.5f}, null, false, false, true, Trace.OFF))
                    .isInstanceOf(F5jException.class).hasMessageContaining("vocabulary");
        }
    }
}
