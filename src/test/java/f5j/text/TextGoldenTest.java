package f5j.text;

import f5j.golden.GoldenFile;
import f5j.golden.TextKind;
import f5j.golden.GoldenReport;
import f5j.golden.VerifyOptions;
import f5j.testing.GoldenRun;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** text.safetensors through its golden kind: every conversion, id tensor and chunking exact. */
class TextGoldenTest {
    @Test
    void textGoldenPassesExactly() {
        GoldenReport report = new GoldenReport();
        try (GoldenFile golden = GoldenFile.open(Goldens.file("text.safetensors"))) {
            assertThat(golden.kind()).isEqualTo("text");
            new TextKind().verify(golden, GoldenRun.CPU, report);
        }
        report.print(System.out, true);
        assertThat(report.checks()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(report.count(f5j.golden.Check.Status.FAIL)).as(report.summary()).isZero();
        assertThat(report.count(f5j.golden.Check.Status.SKIP)).isZero();
    }
}
