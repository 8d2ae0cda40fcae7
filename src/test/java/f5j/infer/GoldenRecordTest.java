package f5j.infer;

import f5j.cli.Main;
import f5j.compute.Backend;
import f5j.compute.plan.PlanBackend;
import f5j.golden.Check;
import f5j.golden.GoldenDiff;
import f5j.golden.GoldenFile;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;
import f5j.tensor.Tensor;
import f5j.util.F5jException;
import f5j.weights.RawTensor;
import f5j.weights.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ./f5j golden record} on the bundled tiny model, then {@code golden verify} / {@code golden diff}: a
 * round trip passes on every CPU backend, a changed weight is caught at the right layer with the digest
 * difference named, a changed seed is an input difference, a missing model folder is a clear error.
 */
class GoldenRecordTest {
    static final Path MODEL = Path.of("weights/f5tts-tiny-v1"), VOCODER = Path.of("weights/vocos-tiny"),
            REF = Path.of("weights/ref/ref_24k_mono.wav");
    static final String REF_TEXT = "O rato roeu a roupa do rei de Roma.";
    static final SynthSettings FAST = new SynthSettings(4, 2.0, -1.0, 1.0, 2.4, 0.1, 0.15, "euler");

    @TempDir static Path tmp;
    static Path all;

    @BeforeAll
    static void recordAllTaps() {
        all = tmp.resolve("all.safetensors");
        record(7, SynthRecorder.ALL_TAPS, all, false);
    }

    static SynthRecorder.Summary record(long seed, String taps, Path out, boolean portable) {
        return record(seed, taps, out, portable, Backend.cpu());
    }

    static SynthRecorder.Summary record(long seed, String taps, Path out, boolean portable, Backend backend) {
        return SynthRecorder.record(new SynthRecorder.Request(MODEL, VOCODER, REF, REF_TEXT, "Bom dia.", seed, FAST, taps,
                backend, out, portable), m -> { });
    }

    static GoldenReport verify(Path file, Backend backend, Path model) {
        return Verifier.verify(List.of(file), new VerifyOptions(backend, model, null, null, null));
    }

    @Test
    void recordingHoldsInputsOutputsEveryModuleAndItsParameters() {
        try (GoldenFile g = GoldenFile.open(all)) {
            assertThat(g.kind()).isEqualTo("f5j_synth");
            List<String> names = new ArrayList<>(g.tensors().names());
            assertThat(names).contains("inputs/ref_wav", "inputs/text#0", "inputs/y0", "out/ref_preprocessed", "out/cond",
                    "out/mel", "out/wave", "act/time_embed#0", "act/transformer_blocks.1.ff.ff.2#0", "act/proj_out#0");
            // every DiT module the upstream goldens list, in their call order (first DiT call only: #0 / #1)
            List<String> acts = names.stream().filter(n -> n.startsWith("act/")).toList();
            try (GoldenFile up = GoldenFile.open(f5j.testing.Goldens.file("f5tts-tiny-v1/forward_cfg.safetensors"))) {
                assertThat(acts).containsExactlyElementsOf(up.expectedNames().stream().filter(n -> n.startsWith("act/")).toList());
            }
            assertThat(g.raw("inputs/ref_wav").bytes()).isEqualTo(readAllBytes(REF));
            assertThat(g.dir().resolve(g.meta("model")).normalize()).isEqualTo(MODEL.toAbsolutePath().normalize());
            assertThat(g.meta("model_digest")).isEqualTo(f5j.weights.Converter.sha256(MODEL.resolve("model.safetensors")));
            assertThat(g.meta("vocoder_digest")).hasSize(64);
            assertThat(g.meta("seed")).isEqualTo("7");
            assertThat(g.meta("nfe")).isEqualTo("4");
            assertThat(g.meta("fix_duration")).isEqualTo("2.4");
            assertThat(g.meta("backend")).isEqualTo("cpu");
            assertThat(g.meta("precision")).isEqualTo("fp32");
            assertThat(g.meta("f5j_version")).isNotBlank();
            for (String k : List.of("ref_text", "gen_text", "cfg_strength", "sway_sampling_coef", "speed", "method",
                    "target_rms", "cross_fade", "taps", "chunks")) {
                assertThat(g.meta(k)).as(k).isNotNull();
            }
        }
    }

    @Test
    void roundTripPassesOnEveryCpuBackend() {
        for (Backend b : List.of(Backend.cpu(), Backend.reference(), PlanBackend.over(Backend.cpu()))) {
            GoldenReport r = verify(all, b, null);
            assertThat(r.count(Check.Status.FAIL)).as(b.name() + ": " + r.firstFailure()).isZero();
            assertThat(r.count(Check.Status.PASS)).isGreaterThan(100);
        }
    }

    @Test
    void changedWeightIsCaughtAtItsLayerWithTheDigestDifference() throws Exception {
        Path model = tmp.resolve("perturbed");
        Files.createDirectories(model);
        for (String f : List.of("model.yaml", "vocab.txt")) Files.copy(MODEL.resolve(f), model.resolve(f));
        String target = "transformer.transformer_blocks.1.ff.ff.2.weight";
        try (SafeTensors st = SafeTensors.open(MODEL.resolve("model.safetensors"))) {
            List<RawTensor> out = new ArrayList<>();
            for (String n : st.names()) {
                RawTensor t = st.get(n);
                if (n.equals(target)) {
                    float[] w = t.toFloats();
                    for (int i = 0; i < w.length; i++) w[i] *= 1.01f;
                    t = RawTensor.of(n, new Tensor(w, t.intShape()));
                }
                out.add(t);
            }
            SafeTensors.write(model.resolve("model.safetensors"), out, st.metadata());
        }
        GoldenReport r = verify(all, Backend.cpu(), model);
        assertThat(r.ok()).isFalse();
        Check digest = r.checks().stream().filter(c -> c.name().equals("meta/model_digest")).findFirst().orElseThrow();
        assertThat(digest.status()).isEqualTo(Check.Status.FAIL);
        assertThat(digest.note()).startsWith("model digest differs: recorded ").contains(", now ");
        assertThat(GoldenDiff.firstDivergentLayer(r).name()).isEqualTo("act/transformer_blocks.1.ff.ff.2#0");
        // everything before that layer still agrees
        assertThat(r.checks().stream().filter(c -> c.name().startsWith("act/transformer_blocks.1.ff.ff.0")))
                .allMatch(Check::passed);

        String out = cli("golden", "verify", "--model", model.toString(), all.toString());
        String[] lines = out.strip().split("\n");
        assertThat(lines[lines.length - 2]).startsWith("first divergent layer: act/transformer_blocks.1.ff.ff.2#0");
        assertThat(lines[lines.length - 1]).matches("\\d+ passed, [1-9]\\d* failed, 0 skipped");
        assertThat(out).contains("model digest differs: recorded");
    }

    @Test
    void changedSeedIsAnInputDifference() {
        Path a = tmp.resolve("seed7.safetensors"), b = tmp.resolve("seed8.safetensors");
        record(7, "proj_out", a, false);
        record(8, "proj_out", b, false);
        String out = cli("golden", "diff", a.toString(), b.toString());
        assertThat(out).contains("meta/seed").contains("differs: 7 vs 8").contains("inputs/y0");
        assertThat(out).contains("input difference: meta/seed").doesNotContain("first divergent layer");
        try (GoldenFile ga = GoldenFile.open(a); GoldenFile gb = GoldenFile.open(b)) {
            GoldenReport r = GoldenDiff.diff(ga, gb, GoldenDiff.DEFAULT_TOL, null);
            assertThat(GoldenDiff.inputDifferences(r)).contains("meta/seed", "inputs/y0")
                    .doesNotContain("inputs/ref_wav", "inputs/text#0");
        }
        // the same recording twice: nothing differs
        assertThat(cli("golden", "diff", a.toString(), a.toString())).contains("no divergent layer").contains(" 0 failed");
    }

    @Test
    void recordingsOfTwoBackendsDiffClean() {
        Path cpu = tmp.resolve("on_cpu.safetensors"), ref = tmp.resolve("on_reference.safetensors");
        record(9, "transformer_blocks.*", cpu, false, Backend.cpu());
        record(9, "transformer_blocks.*", ref, false, Backend.reference());
        String out = cli("golden", "diff", cpu.toString(), ref.toString());
        // where it ran is noted, not failed; the numbers agree
        assertThat(out).contains("meta/backend").contains("differs (informative): cpu vs reference")
                .contains("no divergent layer").contains(" 0 failed, 0 skipped");
    }

    @Test
    void missingModelFolderIsAClearError() throws Exception {
        Path moved = tmp.resolve("elsewhere/deeper");
        Files.createDirectories(moved);
        Path rec = tmp.resolve("portable.safetensors");
        record(3, "none", rec, true);
        Path copy = Files.copy(rec, moved.resolve("portable.safetensors"));
        try (GoldenFile g = GoldenFile.open(copy)) {
            assertThat(g.meta("model_abs")).isNull();
            assertThatThrownBy(() -> new SynthGoldenKind().verify(g, VerifyOptions.defaults(), new GoldenReport()))
                    .isInstanceOf(F5jException.class)
                    .hasMessageContaining(copy.toString())
                    .hasMessageContaining("model folder it was recorded with is missing")
                    .hasMessageContaining("pass --model DIR");
        }
        // with --model (and --vocoder) it replays
        GoldenReport r = Verifier.verify(List.of(copy), new VerifyOptions(Backend.cpu(), MODEL, VOCODER, null, null));
        assertThat(r.ok()).as(String.valueOf(r.firstFailure())).isTrue();
    }

    @Test
    void tapsMatchingNoModuleIsAnError() {
        assertThatThrownBy(() -> record(1, "transformer_block.*", tmp.resolve("none.safetensors"), false))
                .isInstanceOf(F5jException.class).hasMessageContaining("--taps transformer_block.*: matches no DiT module");
    }

    @Test
    void cliRecordWritesAReplayableFile() {
        Path out = tmp.resolve("cli.safetensors");
        String log = cli("golden", "record", "--model", MODEL.toString(), "--vocoder", VOCODER.toString(),
                "--ref-audio", REF.toString(), "--ref-text", REF_TEXT, "--text", "Bom dia.", "--seed", "5", "--nfe", "4",
                "--fix-duration", "2.4", "--taps", "transformer_blocks.*.attn", "--backend", "reference", "--out", out.toString());
        assertThat(log).contains("wrote " + out).contains("2 activations");
        assertThat(cli("golden", "verify", out.toString())).endsWith("0 failed, 0 skipped\n");
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

    static byte[] readAllBytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
