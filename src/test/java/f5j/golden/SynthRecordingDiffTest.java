package f5j.golden;

import f5j.cli.Main;
import f5j.compute.Backend;
import f5j.infer.SynthSettings;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code golden diff} on recordings that differ in one parameter or in where they ran: a parameter (here nfe,
 * which leaves the start noise alone) is an input difference and no layer is blamed; the backend is noted and
 * the numbers agree. Taps that match no module are refused.
 */
class SynthRecordingDiffTest {
    static final Path MODEL = Path.of("weights/f5tts-tiny-v1"), VOCODER = Path.of("weights/vocos-tiny"),
            REF = Path.of("weights/ref/ref_24k_mono.wav");

    @TempDir Path dir;

    Path record(String name, int nfe, String taps, Backend backend) throws IOException {
        String refText = Files.readString(REF.resolveSibling("ref_24k_mono.txt")).strip();
        Path out = dir.resolve(name);
        SynthRecording.record(new SynthRecording.Request(MODEL, VOCODER, REF, refText, "Bom dia.", 5,
                SynthSettings.defaults().withNfe(nfe), taps, backend), out);
        return out;
    }

    static String cli(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            Main.execute(args);
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aChangedParameterIsAnInputDifferenceNotADivergentLayer() throws IOException {
        Path a = record("nfe3.safetensors", 3, "time_embed,proj_out", Backend.cpu());
        Path b = record("nfe4.safetensors", 4, "time_embed,proj_out", Backend.cpu());
        String out = cli("golden", "diff", a.toString(), b.toString());
        assertThat(out).contains("meta/nfe").contains("differs: 3 vs 4").contains("input difference: meta/nfe")
                .doesNotContain("first divergent layer");
        // same seed and duration: the same start noise, and the first ODE step (t = 0) computes the same layers
        assertThat(out).containsPattern("inputs/y0 .*PASS").containsPattern("act/proj_out#0 .*PASS");
    }

    @Test
    void recordingsOnTwoBackendsDiffCleanWithTheBackendNoted() throws IOException {
        Path cpu = record("cpu.safetensors", 3, "transformer_blocks.*", Backend.cpu());
        Path ref = record("reference.safetensors", 3, "transformer_blocks.*", Backend.reference());
        String out = cli("golden", "diff", cpu.toString(), ref.toString());
        assertThat(out).contains("meta/backend").contains("differs (noted): cpu vs reference")
                .contains("no divergent layer").containsPattern("\\d+ passed, 0 failed, 0 skipped");
    }

    @Test
    void tapsMatchingNoModuleAreRefused() {
        assertThatThrownBy(() -> record("none.safetensors", 1, "transformer_block.*", Backend.cpu()))
                .isInstanceOf(F5jException.class).hasMessageContaining("--taps transformer_block.*: matches no DiT module");
    }
}
