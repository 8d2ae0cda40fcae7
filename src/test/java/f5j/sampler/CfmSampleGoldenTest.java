package f5j.sampler;

import f5j.golden.GoldenReport;
import f5j.testing.GoldenRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every cfm_sample golden: seeded noise, time grid, whole trajectory, mel and first-evaluation activations. */
class CfmSampleGoldenTest {
    @ParameterizedTest
    @ValueSource(strings = {"f5tts-tiny-v0/sample_euler_nfe16_cfg2.safetensors",
            "f5tts-tiny-v0/sample_euler_nfe7_cfg0.safetensors", "f5tts-tiny-v0/sample_euler_nfe8_cfg2.safetensors",
            "f5tts-tiny-v0/sample_midpoint_nfe6_cfg2.safetensors", "f5tts-tiny-v1/sample_euler_nfe16_cfg2.safetensors",
            "f5tts-tiny-v1/sample_euler_nfe7_cfg0.safetensors", "f5tts-tiny-v1/sample_euler_nfe8_cfg2.safetensors",
            "f5tts-tiny-v1/sample_midpoint_nfe6_cfg2.safetensors"})
    void matchesPyTorch(String golden) {
        GoldenReport r = GoldenRun.verifyPasses(golden);
        assertThat(GoldenRun.activations(r)).as("compared act/ tensors").isPositive();
        assertThat(r.checks()).anyMatch(c -> c.name().equals("out/trajectory"))
                .anyMatch(c -> c.name().equals("out/mel"))
                .anyMatch(c -> c.name().equals("inputs/y0"));
    }
}
