package f5j.cli;

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

    @Test
    void unknownBackendIsNamed() {
        assertThatThrownBy(() -> Backends.byName("cuda")).hasMessageContaining("--backend cuda: unknown backend");
    }
}
