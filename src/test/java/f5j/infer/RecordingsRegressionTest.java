package f5j.infer;

import f5j.compute.Backend;
import f5j.golden.Check;
import f5j.golden.GoldenFile;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The project's regression suite: f5j's own recordings of the bundled tiny model (src/test/resources/recordings,
 * made on the reference backend by tools/rerecord.sh) replayed on the default backend. A failure means f5j's
 * numbers moved; re-record only when that is intended.
 */
class RecordingsRegressionTest {
    static final Path DIR = Path.of("src/test/resources/recordings");

    static List<Path> recordings() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
    }

    @Test
    void everyRecordingReplaysWithinTolerance() throws IOException {
        List<Path> files = recordings();
        assertThat(files).hasSizeGreaterThanOrEqualTo(2);
        for (Path f : files) {
            try (GoldenFile g = GoldenFile.open(f)) {
                assertThat(g.kind()).isEqualTo(SynthRecorder.KIND);
                assertThat(g.meta("model_abs")).as("recorded with --portable").isNull();
            }
            GoldenReport r = Verifier.verify(List.of(f), new VerifyOptions(Backend.cpu(), null, null, null, null));
            assertThat(r.count(Check.Status.FAIL)).as(f + ": " + r.firstFailure()).isZero();
            assertThat(r.count(Check.Status.SKIP)).isZero();
            assertThat(r.checks()).anyMatch(c -> c.name().startsWith("act/")).anyMatch(c -> c.name().equals("out/wave"));
        }
    }
}
