package f5j.vocoder;

import f5j.golden.Check;
import f5j.golden.GoldenFile;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;
import f5j.testing.GoldenRun;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VocosGoldenTest {
    @Test
    void featuresEveryLayerAndAudioMatchTorch() {
        long acts;
        try (GoldenFile g = GoldenFile.open(Goldens.file("vocos-tiny/golden.safetensors"))) {
            acts = g.expectedNames().stream().filter(n -> n.startsWith("act/")).count();
        }
        assertThat(acts).isPositive();
        GoldenReport r = Verifier.verify(List.of(Goldens.file("vocos-tiny/golden.safetensors")), GoldenRun.CPU);
        r.print(System.out, true); // only what failed: the run stays readable
        assertThat(r.count(Check.Status.FAIL)).as(r.summary()).isZero();
        assertThat(r.count(Check.Status.SKIP)).isZero();
        assertThat(r.checks()).filteredOn(c -> c.name().startsWith("act/")).hasSize((int) acts).allMatch(Check::passed);
        assertThat(r.checks()).extracting(Check::name).contains("out/features", "out/audio");
    }
}
