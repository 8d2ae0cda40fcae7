package f5j.infer;

import f5j.golden.Check;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;
import f5j.testing.GoldenRun;
import f5j.testing.Goldens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every infer_process golden through the golden kind: preprocessing, chunks, mel and wave within tolerance. */
class InferProcessGoldenTest {
    @ParameterizedTest
    @ValueSource(strings = {"f5tts-tiny-v1/infer_24k.safetensors", "f5tts-tiny-v1/infer_44k1_stereo.safetensors",
            "f5tts-tiny-v0/infer_24k.safetensors", "f5tts-tiny-v0/infer_44k1_stereo.safetensors"})
    void matchesUpstream(String name) {
        GoldenReport report = Verifier.verify(List.of(Goldens.file(name)), GoldenRun.CPU);
        report.print(System.out, true); // only what failed: the run stays readable
        System.out.println(name + ": " + report.summary());
        assertThat(report.count(Check.Status.FAIL)).as(report.summary()).isZero();
        assertThat(report.count(Check.Status.SKIP)).isZero();
        assertThat(report.checks()).extracting(Check::name).contains("out/ref_preprocessed", "out/mel", "out/wave");
    }
}
