package f5j.golden;

import f5j.cli.Main;
import f5j.testing.Goldens;
import f5j.testing.Python;
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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PyTorch recordings from tools/dump_activations.py (run on the plain-PyTorch mirror, tools/f5tts_mirror.py, with
 * the bundled converted model) verify with {@code ./f5j golden verify --model DIR dump.safetensors} like any
 * golden (DumpActivationsToolTest covers a perturbed layer); dumps of the online weights replay on them and are
 * refused, plainly, on a folder of EMA weights. Skips without torch.
 */
class DumpVerifyTest {
    static final Path MODEL = Path.of("weights/f5tts-tiny-v1");

    @TempDir static Path dir;


    @BeforeAll
    static void needsTorch() throws Exception {
        assumeTrue(Python.hasTorch(dir.resolve("python.log")), "python3 with torch is not installed");
    }

    /** A dump of the bundled model's weights with the inputs of a shared golden of the same model. */
    private static Path dump(String checkpoint, String golden, String name, String... extra) throws Exception {
        Path out = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("tools/dump_activations.py", "--mirror",
                "--checkpoint", checkpoint, "--vocab", MODEL.resolve("vocab.txt").toString(),
                "--inputs-from", Goldens.file("f5tts-tiny-v1/" + golden).toString(), "--out", out.toString()));
        cmd.addAll(List.of(extra));
        assertThat(Python.run(dir.resolve("python.log"), cmd)).as(Files.readString(dir.resolve("python.log"))).isZero();
        return out;
    }

    private static String verify(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            List<String> all = new ArrayList<>(List.of("golden", "verify"));
            all.addAll(List.of(args));
            Main.execute(all.toArray(String[]::new));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void forwardAndSampleDumpsVerifyAgainstAModelFolder() throws Exception {
        String ckpt = MODEL.resolve("model.safetensors").toString();
        Path fwd = dump(ckpt, "forward_cfg.safetensors", "fwd.safetensors");
        Path sample = dump(ckpt, "sample_euler_nfe8_cfg2.safetensors", "sample.safetensors", "--kind", "cfm_sample",
                "--nfe", "8", "--seed", "1247");
        String out = verify("--model", MODEL.toString(), fwd.toString(), sample.toString());
        assertThat(out).doesNotContain("first divergent layer").containsPattern("\\n[1-9]\\d+ passed, 0 failed, 0 skipped\\n$");
        assertThat(out).contains("fwd.safetensors: act/transformer_blocks.1.ff#0", "sample.safetensors: out/trajectory");
        // without --model the dump names only its checkpoint's file name, which is not beside it
        assertThat(verify(fwd.toString())).contains("no model beside it", "pass --model DIR");
    }

    @Test
    void onlineWeightDumpReplaysOnTheOnlineWeights() throws Exception {
        Path ckpt = Goldens.file("f5tts-tiny-v1/model_2.pt");
        Path d = dump(ckpt.toString(), "forward_cfg.safetensors", "online.safetensors", "--weights", "online");
        assertThat(verify("--model", ckpt.toString(), d.toString())).endsWith(" 0 failed, 0 skipped\n");
        // a converted folder holds only the EMA weights: said plainly
        assertThat(verify("--model", MODEL.toString(), d.toString())).contains("no online weights");
    }
}
