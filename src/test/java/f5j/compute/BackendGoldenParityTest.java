package f5j.compute;

import f5j.golden.Check;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same golden forwards through both host backends: the SIMD "cpu" backend and the plain "reference"
 * kernels (the TornadoVM code path); every recorded tensor must be within the goldens' tolerance on both.
 */
class BackendGoldenParityTest {
    private static final List<String> FILES = List.of("vocos-tiny/golden.safetensors",
            "f5tts-tiny-v1/forward_cfg.safetensors", "f5tts-tiny-v0/forward_masked.safetensors",
            "f5tts-tiny-v1/sample_euler_nfe8_cfg2.safetensors");

    private static void verifyOn(Backend backend) {
        List<Path> files = FILES.stream().map(Goldens::file).toList();
        GoldenReport r = Verifier.verify(files, new VerifyOptions(backend, null, null, null, null));
        r.print(System.out, true); // only what failed: the run stays readable
        assertThat(r.count(Check.Status.FAIL)).as(backend.name() + ": " + r.summary()).isZero();
        assertThat(r.count(Check.Status.SKIP)).as(backend.name() + ": " + r.summary()).isZero();
        assertThat(r.checks()).as(backend.name()).isNotEmpty();
    }

    @Test
    void goldensPassOnTheSimdBackend() { verifyOn(Backend.cpu()); }

    @Test
    void goldensPassOnTheReferenceBackend() { verifyOn(Backend.reference()); }
}
