package f5j.audit;

import f5j.cli.Main;
import f5j.config.DitArch;
import f5j.golden.GoldenFile;
import f5j.testing.Goldens;
import f5j.testing.Python;
import f5j.weights.Checkpoints;
import f5j.weights.Weights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * tools/dump_activations.py with Debian's PyTorch, on a plain-PyTorch mirror of the upstream DiT
 * (tools/f5tts_mirror.py) built from the golden checkpoint: its recordings line up with f5j layer by layer,
 * and a deliberate error in one module is named as the first layer over tolerance. Skips without torch.
 */
class DumpActivationsToolTest {
    @TempDir
    static Path dir;


    @BeforeAll
    static void needsTorch() throws Exception {
        assumeTrue(Python.hasTorch(dir.resolve("python.log")), "python3 with torch is not installed");
    }

    private static Path dump(String v, String golden, String name, String... extra) throws Exception {
        Path m = Goldens.file("f5tts-tiny-" + v);
        Path out = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("tools/dump_activations.py", "--mirror",
                "--checkpoint", m.resolve("model_2.pt").toString(), "--vocab", m.resolve("vocab.txt").toString(),
                "--inputs-from", m.resolve(golden).toString(), "--out", out.toString()));
        cmd.addAll(List.of(extra));
        assertThat(Python.run(dir.resolve("python.log"), cmd)).as(java.nio.file.Files.readString(dir.resolve("python.log"))).isZero();
        return out;
    }

    private static DumpCompare.Result compare(Path dump, String v, Weights w) {
        try (GoldenFile g = GoldenFile.open(dump)) {
            return DumpCompare.compare(g, Checkpoints.loadStateDict(Goldens.file("f5tts-tiny-" + v + "/model_2.pt"), w),
                    DitArch.fromJson(g.meta("arch"), dump.toString()), f5j.compute.Backend.cpu(), 1e-4);
        }
    }

    private static List<String> actNames(Path file) {
        try (GoldenFile g = GoldenFile.open(file)) {
            return g.expectedNames().stream().filter(n -> n.startsWith("act/")).toList();
        }
    }

    @Test
    void forwardDumpsOfBothArchitecturesLineUpWithF5j() throws Exception {
        for (String v : List.of("v1", "v0")) {
            Path d = dump(v, "forward_cfg.safetensors", "fwd_" + v + ".safetensors");
            // the hooks record exactly the modules the goldens list, in the same call order
            assertThat(actNames(d)).containsExactlyElementsOf(actNames(Goldens.file("f5tts-tiny-" + v + "/forward_cfg.safetensors")));
            DumpCompare.Result r = compare(d, v, Weights.EMA);
            assertThat(r.firstOverTolerance()).as(v).isNull();
            assertThat(r.layers()).hasSize(actNames(d).size() + 1);
        }
    }

    /** A PyTorch recording is a golden like any other: `golden verify --model DIR` replays it on a model folder. */
    @Test
    void pytorchRecordingsVerifyOnAConvertedModelFolder() throws Exception {
        var opts = new f5j.golden.VerifyOptions(f5j.compute.Backend.cpu(), Path.of("weights/f5tts-tiny-v1"), null, null, null);
        f5j.golden.GoldenReport ok = new f5j.golden.GoldenReport();
        new f5j.golden.Verifier(opts).verify(dump("v1", "forward_cfg.safetensors", "fwd_verify.safetensors"), ok);
        assertThat(ok.ok()).isTrue();
        assertThat(ok.checks()).anyMatch(c -> c.name().startsWith("act/transformer_blocks.1"));

        f5j.golden.GoldenReport bad = new f5j.golden.GoldenReport();
        new f5j.golden.Verifier(opts).verify(dump("v1", "forward_cfg.safetensors", "fwd_perturbed.safetensors", "--perturb",
                "transformer_blocks.1.attn.to_v"), bad);
        assertThat(bad.ok()).isFalse();
        assertThat(f5j.golden.GoldenDiff.firstDivergentLayer(bad).name()).isEqualTo("act/transformer_blocks.1.attn.to_v#0");
    }

    @Test
    void sampleDumpWithOnlineWeightsLinesUp() throws Exception {
        Path d = dump("v1", "sample_euler_nfe8_cfg2.safetensors", "sample.safetensors", "--kind", "cfm_sample",
                "--nfe", "8", "--seed", "1247", "--weights", "online");
        try (GoldenFile g = GoldenFile.open(d)) {
            assertThat(g.kind()).isEqualTo("cfm_sample");
            assertThat(g.meta("weights")).isEqualTo("online");
        }
        DumpCompare.Result r = compare(d, "v1", Weights.ONLINE);
        assertThat(r.firstOverTolerance()).isNull();
        assertThat(r.layers().stream().map(AuditReport.LayerDiff::layer)).contains("out/trajectory", "out/mel");
        // the EMA weights do not reproduce an online recording: the weights show from the first layer on
        assertThat(compare(d, "v1", Weights.EMA).firstOverTolerance()).isEqualTo("act/time_embed.time_mlp.0#0");
    }

    @Test
    void cliNamesTheFirstLayerOverTolerance() throws Exception {
        Path d = dump("v1", "forward_cfg.safetensors", "perturbed.safetensors", "--perturb", "transformer_blocks.1.attn.to_v");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int rc;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            rc = Main.execute("audit", "--compare", d.toString(), "--checkpoint",
                    Goldens.file("f5tts-tiny-v1/model_2.pt").toString(), "--out", dir.resolve("cmp").toString());
        } finally {
            System.setOut(old);
        }
        assertThat(rc).isEqualTo(1);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("first layer over 1.0E-4: act/transformer_blocks.1.attn.to_v#0");
        assertThat(dir.resolve("cmp/report.json")).content().contains("\"layer\": \"act/transformer_blocks.1.attn.to_v#0\"");
    }
}
