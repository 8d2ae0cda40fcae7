package f5j.cli;

import f5j.compute.Precision;
import f5j.testing.CliRun;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendsTest {
    @Test
    void cpuIsAlwaysThere() {
        assertThat(Backends.byName("cpu").name()).isEqualTo("cpu");
    }

    /** Without TornadoVM (CI, default build) the tornado backend fails with a message saying what to do. */
    @Test
    void tornadoWithoutTornadoVmFailsClearly() {
        assertThatThrownBy(() -> Backends.byName("tornado"))
                .isInstanceOf(F5jException.class)
                .hasMessageStartingWith("--backend tornado: ")
                .message().containsAnyOf("rebuild with `mvn -Ptornadovm", "set TORNADOVM_HOME");
    }

    /** 16-bit device weights mean nothing to a host backend: refused, naming the option and the backend. */
    @Test
    void deviceWeightsOnlyWithTornado() {
        assertThat(Backends.byName("cpu", Precision.FP32).name()).isEqualTo("cpu");
        for (String b : new String[] {"cpu", "reference", "cpu-plan"}) {
            assertThatThrownBy(() -> Backends.byName(b, Precision.BF16))
                    .isInstanceOf(F5jException.class)
                    .hasMessageStartingWith("--device-weights bf16: only --backend tornado")
                    .hasMessageContaining("--backend " + b);
        }
        // with tornado the option passes through to the backend (here: no TornadoVM, so its own message)
        assertThatThrownBy(() -> Backends.byName("tornado", Precision.FP16)).hasMessageStartingWith("--backend tornado: ");
    }

    /** On the command line: exit 2 with that message before any work; an unknown format is named. */
    @Test
    void deviceWeightsOnTheCommandLine() {
        CliRun r = CliRun.run("bench", "--preset", "F5TTS_v1_Small", "--frames", "8", "--device-weights", "fp16");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("--device-weights fp16: only --backend tornado");
        CliRun bad = CliRun.run("golden", "verify", "--backend", "tornado", "--device-weights", "fp8", "src/test/resources/goldens");
        assertThat(bad.rc()).isEqualTo(2);
        assertThat(bad.err()).contains("--device-weights: unknown precision 'fp8'");
    }

    @Test
    void unknownBackendIsNamed() {
        assertThatThrownBy(() -> Backends.byName("cuda")).hasMessageContaining("--backend cuda: unknown backend");
    }
}
