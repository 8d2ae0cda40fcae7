package f5j.dit;

import f5j.golden.GoldenReport;
import f5j.testing.GoldenRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

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
}
