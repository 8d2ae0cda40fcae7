package f5j.golden;

import f5j.compute.Backend;
import f5j.compute.plan.PlanBackend;
import f5j.infer.SynthSettings;
import f5j.tensor.DType;
import f5j.testing.GoldenRun;
import f5j.weights.RawTensor;
import f5j.weights.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** `golden record` → `golden verify` on the bundled model: round trips, a changed weight, a changed seed. */
class SynthRecordingTest {
    static final Path MODEL = Path.of("weights/f5tts-tiny-v1"), VOCODER = Path.of("weights/vocos-tiny");
    static final Path REF = Path.of("weights/ref/ref_24k_mono.wav");

    @TempDir
    static Path dir;
    static Path allTaps;

    static Path record(Path out, long seed, String taps, Backend backend) {
        try {
            String refText = Files.readString(REF.resolveSibling("ref_24k_mono.txt")).strip();
            SynthSettings s = SynthSettings.defaults().withNfe(3);
            SynthRecording.record(new SynthRecording.Request(MODEL, VOCODER, REF, refText, "Olá mundo.", seed, s, taps, backend), out);
            return out;
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @BeforeAll
    static void recordOnce() { allTaps = record(dir.resolve("all.safetensors"), 0, "*", Backend.cpu()); }

    static GoldenReport verify(Path file, Backend backend, Path model) {
        GoldenReport r = new GoldenReport();
        new Verifier(new VerifyOptions(backend, model, null, null, null)).verify(file, r);
        return r;
    }

    @Test
    void theRecordingIsAGoldenWithEveryDitModuleAndReplayableMetadata() {
        try (GoldenFile g = GoldenFile.open(allTaps)) {
            assertThat(g.kind()).isEqualTo("f5j_synth");
            assertThat(g.tensors().names()).contains("inputs/ref_wav", "inputs/text_ids", "inputs/y0", "out/ref_preprocessed",
                    "out/mel", "out/wave", "act/time_embed#0", "act/transformer_blocks.1.ff.ff.2#0", "act/proj_out#0");
            for (String k : List.of("model", "vocoder", "model_digest", "vocoder_digest", "seed", "nfe", "cfg_strength",
                    "sway_sampling_coef", "speed", "method", "target_rms", "cross_fade", "f5j_version", "backend", "precision")) {
                assertThat(g.meta(k)).as(k).isNotBlank();
            }
            assertThat(g.meta("model_digest")).isEqualTo(SynthRecording.modelDigest(MODEL));
        }
    }

    @Test
    void replaysWithoutAFailureOnEveryHostBackend() {
        for (Backend b : List.of(Backend.cpu(), Backend.reference(), PlanBackend.over(Backend.cpu()))) {
            GoldenReport r = verify(allTaps, b, null);
            assertThat(r.count(Check.Status.FAIL)).as(b.name() + "\n" + failures(r)).isZero();
            assertThat(r.checks().stream().filter(c -> c.name().startsWith("act/")).count()).isGreaterThan(50);
        }
    }

    @Test
    void aChangedWeightIsCaughtAtItsLayerAndTheDigestIsReported() throws IOException {
        Path model = dir.resolve("perturbed");
        Files.createDirectories(model);
        for (String f : List.of("model.yaml", "vocab.txt")) Files.copy(MODEL.resolve(f), model.resolve(f));
        String key = "transformer.transformer_blocks.1.ff.ff.2.weight";
        try (SafeTensors st = SafeTensors.open(MODEL.resolve("model.safetensors"))) {
            List<RawTensor> ts = new ArrayList<>();
            for (String n : st.names()) {
                RawTensor t = st.get(n);
                if (n.equals(key)) {
                    float[] w = t.toFloats();
                    w[0] += 0.05f;
                    t = new RawTensor(n, DType.F32, t.shape(), MemorySegment.ofArray(w));
                } else {
                    t = new RawTensor(n, t.dtype(), t.shape(), MemorySegment.ofArray(t.bytes()));
                }
                ts.add(t);
            }
            SafeTensors.write(model.resolve("model.safetensors"), ts, Map.of("format", "pt"));
        }
        GoldenReport r = verify(allTaps, Backend.cpu(), model);
        assertThat(r.ok()).isFalse();
        assertThat(r.checks()).anyMatch(c -> c.name().equals("meta/model_digest") && c.status() == Check.Status.FAIL
                && c.note().contains("differs"));
        Check first = GoldenDiff.firstDivergentLayer(r);
        assertThat(first).isNotNull();
        assertThat(first.name()).isEqualTo("act/transformer_blocks.1.ff.ff.2#0");
        // everything computed before that layer still matches
        assertThat(r.checks()).anyMatch(c -> c.name().equals("act/transformer_blocks.0#0") && c.passed());
    }

    @Test
    void aChangedSeedIsAnInputDifference() {
        Path a = record(dir.resolve("seed0.safetensors"), 0, "transformer_blocks.?,proj_out", Backend.cpu());
        Path b = record(dir.resolve("seed1.safetensors"), 1, "transformer_blocks.?,proj_out", Backend.cpu());
        try (GoldenFile ga = GoldenFile.open(a); GoldenFile gb = GoldenFile.open(b)) {
            GoldenReport r = GoldenDiff.diff(ga, gb, GoldenDiff.DEFAULT_TOL, null);
            assertThat(GoldenDiff.inputDifferences(r)).containsExactly("meta/seed", "inputs/y0");
            assertThat(r.checks()).anyMatch(c -> c.name().equals("inputs/text_ids") && c.passed());
            assertThat(r.ok()).isFalse();
        }
        try (GoldenFile ga = GoldenFile.open(a); GoldenFile same = GoldenFile.open(a)) {
            GoldenReport r = GoldenDiff.diff(ga, same, GoldenDiff.DEFAULT_TOL, null);
            assertThat(r.ok()).isTrue();
            assertThat(GoldenDiff.inputDifferences(r)).isEmpty();
        }
    }

    @Test
    void aRecordingWhoseModelFolderIsGoneSaysSoAndHowToPointElsewhere() throws IOException {
        Path moved = Files.createDirectories(dir.resolve("elsewhere/deeper")).resolve("moved.safetensors");
        Files.copy(allTaps, moved);
        GoldenReport r = verify(moved, Backend.cpu(), null);
        assertThat(r.ok()).isFalse();
        assertThat(GoldenRun.firstFailure(r).note()).contains("moved.safetensors").contains("does not exist").contains("--model");
    }

    @Test
    void tapsAreCommaSeparatedGlobs() {
        var p = SynthRecording.taps("transformer_blocks.*.attn, proj_out");
        assertThat(p.test("transformer_blocks.12.attn")).isTrue();
        assertThat(p.test("proj_out")).isTrue();
        assertThat(p.test("transformer_blocks.1.attn.to_q")).isFalse();
        assertThat(p.test("transformer_blocksX1.attn")).isFalse(); // '.' is literal
    }

    /** The project's own regression recordings (tools/rerecord.sh) replay without a failure. */
    @Test
    void theBundledRegressionRecordingsReplay() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/recordings"))) {
            files = s.filter(f -> f.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(2);
        for (Path f : files) {
            GoldenReport r = verify(f, Backend.cpu(), null);
            assertThat(r.count(Check.Status.FAIL)).as(f + "\n" + failures(r)).isZero();
            assertThat(r.checks()).anyMatch(c -> c.name().startsWith("act/"));
        }
    }

    private static String failures(GoldenReport r) {
        StringBuilder sb = new StringBuilder();
        r.checks().stream().filter(c -> c.status() == Check.Status.FAIL).limit(10)
                .forEach(c -> sb.append(c.name()).append(": ").append(c.note()).append('\n'));
        return sb.toString();
    }
}
