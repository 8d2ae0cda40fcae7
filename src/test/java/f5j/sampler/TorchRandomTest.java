package f5j.sampler;

import f5j.golden.GoldenReport;
import f5j.testing.GoldenRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TorchRandomTest {
    @Test
    void randnIsBitEqualToTorchForEverySeedAndSize() {
        GoldenReport r = GoldenRun.verifyPasses("rng.safetensors");
        assertThat(r.checks()).hasSize(25).allMatch(c -> c.maxAbs() == 0);
    }

    @Test
    void largeDrawsTransformBlocksOfSixteenInPlace() {
        // every value is drawn as a uniform before any block is transformed, so a longer draw that is a
        // multiple of 16 starts with the shorter one
        float[] a = new TorchRandom(7).randn(32), b = new TorchRandom(7).randn(16);
        for (int i = 0; i < 16; i++) assertThat(a[i]).isEqualTo(b[i]);
    }
}
