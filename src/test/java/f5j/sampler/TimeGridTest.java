package f5j.sampler;

import com.google.gson.JsonElement;
import f5j.golden.GoldenFile;
import f5j.golden.Metrics;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class TimeGridTest {
    @ParameterizedTest
    @ValueSource(strings = {"sample_euler_nfe16_cfg2", "sample_euler_nfe7_cfg0", "sample_euler_nfe8_cfg2",
            "sample_midpoint_nfe6_cfg2"})
    void equalsTheGoldensGrid(String name) {
        try (GoldenFile g = GoldenFile.open(Goldens.file("f5tts-tiny-v1/" + name + ".safetensors"))) {
            JsonElement sway = g.metaJson("sway_sampling_coef");
            float[] t = TimeGrid.of(Integer.parseInt(g.requireMeta("steps")),
                    sway == null || sway.isJsonNull() ? null : sway.getAsDouble());
            float[] want = g.raw("inputs/t").toFloats();
            assertThat(t).hasSameSizeAs(want);
            assertThat(Metrics.maxAbsDiff(t, want)).isZero();
        }
    }

    @Test
    void epssTableForTabulatedStepCountsUniformOtherwise() {
        assertThat(TimeGrid.of(6, null)).containsExactly(0f, 2 / 32f, 4 / 32f, 6 / 32f, 8 / 32f, 16 / 32f, 1f);
        assertThat(TimeGrid.of(4, null)).containsExactly(0f, 0.25f, 0.5f, 0.75f, 1f);
    }
}
