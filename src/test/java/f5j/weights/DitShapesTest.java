package f5j.weights;

import f5j.config.DitArch;
import f5j.config.ModelConfig;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DitShapesTest {
    @Test
    void expectedShapesAreExactlyTheGoldenStateDict() {
        for (String m : new String[] {"f5tts-tiny-v0", "f5tts-tiny-v1"}) {
            ModelConfig c = ModelConfig.load(Goldens.file(m + "/model.yaml"));
            Map<String, RawTensor> sd = CheckpointsTest.reference(Goldens.file(m + "/model.safetensors"));
            Map<String, long[]> want = DitShapes.expected(c.arch(), VocabFile.size(Goldens.file(m + "/vocab.txt")), 100);
            assertThat(want.keySet()).containsExactlyElementsOf(sd.keySet());  // module order, as state_dict()
            assertThat(ShapeCheck.of(sd, want).ok()).isTrue();
        }
    }

    @Test
    void optionalModulesAddTheirTensors() {
        DitArch a = new DitArch(64, 1, 4, 16, 2, 32, true, "rms_norm", 0, null, false, true);
        Map<String, long[]> m = DitShapes.expected(a, 10, 100);
        assertThat(m.get("transformer.transformer_blocks.0.attn.q_norm.weight")).containsExactly(16);
        assertThat(m.get("transformer.transformer_blocks.0.attn.k_norm.weight")).containsExactly(16);
        assertThat(m.get("transformer.long_skip_connection.weight")).containsExactly(64, 128);
        assertThat(m.keySet()).noneMatch(k -> k.contains("text_blocks"));
    }

    @Test
    void firstMismatchMissingAndUnexpectedAreReported() {
        Map<String, RawTensor> sd = new java.util.LinkedHashMap<>(CheckpointsTest.reference(Goldens.file("f5tts-tiny-v1/model.safetensors")));
        sd.remove("transformer.proj_out.bias");
        sd.put("transformer.extra", sd.get("transformer.proj_out.weight"));
        ModelConfig c = ModelConfig.load(Goldens.file("f5tts-tiny-v1/model.yaml"));
        ShapeCheck r = ShapeCheck.of(sd, DitShapes.expected(c.arch(), 80, 100));
        assertThat(r.describe()).isEqualTo("first mismatch transformer.text_embed.text_embed.weight: checkpoint [74, 32], "
                + "config needs [81, 32]; 1 missing (transformer.proj_out.bias); 1 unexpected (transformer.extra)");
    }
}
