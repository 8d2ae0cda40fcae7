package f5j.compute.plan;

import f5j.compute.Backend;
import f5j.golden.Check;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;
import f5j.testing.GoldenRun;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every golden file in the project (each upstream PyTorch golden, every checkpoint layout) through the
 * plan execution model a device backend uses ({@code --backend cpu-plan}) and through the default backend:
 * nothing fails, nothing is skipped — what {@code ./f5j golden verify src/test/resources/goldens} checks.
 */
class AllGoldensTest {
    static List<Path> all() throws IOException {
        try (Stream<Path> s = Files.walk(Goldens.file("."))) {
            return s.filter(Files::isRegularFile).filter(f -> {
                String n = f.getFileName().toString();
                return n.endsWith(".safetensors") || n.endsWith(".pt") || n.endsWith(".bin");
            }).sorted().toList();
        }
    }

    private static void verifyAll(Backend backend) throws IOException {
        List<Path> files = all();
        assertThat(files).hasSizeGreaterThan(20);
        GoldenReport r = Verifier.verify(files, new VerifyOptions(backend, null, null, null, null));
        assertThat(GoldenRun.firstFailure(r)).as(backend.name() + ": " + r.summary()).isNull();
        assertThat(r.count(Check.Status.SKIP)).as(r.summary()).isZero();
        assertThat(r.count(Check.Status.PASS)).isGreaterThan(1500);
    }

    @Test
    void everyGoldenPassesThroughKernelPlans() throws IOException { verifyAll(PlanBackend.over(Backend.cpu())); }

    @Test
    void everyGoldenPassesOnTheDefaultBackend() throws IOException { verifyAll(Backend.cpu()); }
}
