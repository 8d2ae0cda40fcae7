package f5j.audio;

import f5j.golden.Check;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;
import f5j.testing.GoldenRun;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FrontendGoldenTest {
    @Test
    void melSpectrogramsAndResamplingMatchTorch() {
        GoldenReport r = Verifier.verify(List.of(Goldens.file("frontend.safetensors")), GoldenRun.CPU);
        r.print(System.out, true); // only what failed: the run stays readable
        assertThat(r.count(Check.Status.FAIL)).as(r.summary()).isZero();
        assertThat(r.count(Check.Status.SKIP)).isZero();
        assertThat(r.checks()).extracting(Check::name).contains("out/mel_vocos", "out/mel_bigvgan",
                "out/resample_44k1_to_24k", "out/resample_16k_to_24k", "inputs/wav44k1_stereo (read audio/ref_44k1_stereo.wav)");
    }
}
