package f5j.weights;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import f5j.cli.Main;
import f5j.config.ModelConfig;
import f5j.tensor.DType;
import f5j.numerics.Half;
import f5j.testing.Goldens;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ./f5j convert: a converted folder reloads identically; bad input stops it with one clear message. */
class ConvertTest {
    @TempDir Path tmp;

    private static final Path GOLDEN = Goldens.file("f5tts-tiny-v1");

    private Converter.Request request(Path ckpt, Weights w, DType dtype, String name) {
        return new Converter.Request(ckpt, null, null, null, w, dtype, tmp.resolve("weights"), name, false);
    }

    @Test
    void convertedFolderReloadsIdentically() throws IOException {
        ModelDir m = Converter.convert(request(GOLDEN.resolve("model_2.pt"), Weights.EMA, null, "tiny"));
        assertThat(m.dir()).isEqualTo(tmp.resolve("weights/tiny"));
        CheckpointsTest.assertSame(m.stateDict(), CheckpointsTest.reference(GOLDEN.resolve("model.safetensors")));
        assertThat(m.config()).isEqualTo(ModelConfig.load(GOLDEN.resolve("model.yaml")));
        assertThat(Files.readAllBytes(m.vocab())).isEqualTo(Files.readAllBytes(GOLDEN.resolve("vocab.txt")));

        // Reloading from disk gives the same again, and provenance says where it came from.
        CheckpointsTest.assertSame(ModelDir.load(m.dir()).stateDict(), m.stateDict());
        JsonObject p = JsonParser.parseString(Files.readString(m.provenance())).getAsJsonObject();
        assertThat(p.get("source_sha256").getAsString()).isEqualTo(Converter.sha256(GOLDEN.resolve("model_2.pt")));
        assertThat(p.get("state_dict").getAsString()).isEqualTo("ema_model_state_dict");
        assertThat(p.get("weights").getAsString()).isEqualTo("ema");
        assertThat(p.get("update").getAsLong()).isEqualTo(2);
        assertThat(p.get("f5j_version").getAsString()).isEqualTo(Converter.F5J_VERSION);
        // Nothing but the four files (no leftover temporary folder).
        try (var s = Files.list(tmp.resolve("weights"))) { assertThat(s.toList()).containsExactly(m.dir()); }
    }

    @Test
    void onlineWeightsAndEveryLayoutConvert() {
        ModelDir online = Converter.convert(request(GOLDEN.resolve("model_2.pt"), Weights.ONLINE, null, "online"));
        CheckpointsTest.assertSame(online.stateDict(), CheckpointsTest.reference(GOLDEN.resolve("model_online.safetensors")));
        Map<String, RawTensor> ema = CheckpointsTest.reference(GOLDEN.resolve("model.safetensors"));
        for (String f : new String[] {"pruned_ema.pt", "model.safetensors"}) {
            CheckpointsTest.assertSame(Converter.convert(request(GOLDEN.resolve(f), Weights.EMA, null, f)).stateDict(), ema);
        }
    }

    @Test
    void dtypeRoundsToNearestEven() {
        ModelDir m = Converter.convert(request(GOLDEN.resolve("model_2.pt"), Weights.EMA, DType.BF16, "bf16"));
        Map<String, RawTensor> ema = CheckpointsTest.reference(GOLDEN.resolve("model.safetensors"));
        for (var e : ema.entrySet()) {
            RawTensor t = m.stateDict().get(e.getKey());
            assertThat(t.dtype()).isEqualTo(DType.BF16);
            float[] want = e.getValue().toFloats();
            for (int i = 0; i < want.length; i++) want[i] = Half.roundBf16(want[i]);
            assertThat(t.toFloats()).as(e.getKey()).isEqualTo(want);
        }
    }

    @Test
    void shapeDisagreeingWithTheConfigIsNamed() {
        Path ckpt = GOLDEN.resolve("model_2.pt");
        Converter.Request r = new Converter.Request(ckpt, Goldens.file("f5tts-tiny-v0/model.yaml"), null, null, Weights.EMA,
                null, tmp.resolve("weights"), "x", false);
        // v0 and v1 tiny differ only in invisible flags: these shapes agree.
        assertThat(Converter.convert(r).stateDict()).hasSize(64);

        Path big = Path.of("conf/F5TTS_v1_Small.yaml");
        Converter.Request bad = new Converter.Request(ckpt, big, null, null, Weights.EMA, null, tmp.resolve("weights"), "y", false);
        assertThatThrownBy(() -> Converter.convert(bad)).isInstanceOf(F5jException.class)
                .hasMessageStartingWith(ckpt + ": does not fit " + big + " (vocab size 73, 100 mel channels): first mismatch "
                        + "transformer.time_embed.time_mlp.0.weight: checkpoint [64, 256], config needs [768, 256]");
        assertThat(tmp.resolve("weights/y")).doesNotExist();
    }

    @Test
    void presetIsTakenFromTheFolderName() throws IOException {
        // A released layout: F5TTS_v1_Small/model.safetensors + vocab.txt, no model.yaml. The tiny weights do
        // not fit that preset, which is how the test sees which config was used.
        Path dir = Files.createDirectories(tmp.resolve("F5TTS_v1_Small"));
        Path ckpt = Files.copy(GOLDEN.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Files.copy(GOLDEN.resolve("vocab.txt"), dir.resolve("vocab.txt"));
        assertThatThrownBy(() -> Converter.convert(request(ckpt, Weights.EMA, null, null))).isInstanceOf(F5jException.class)
                .hasMessageContaining("does not fit preset F5TTS_v1_Small (from the checkpoint's folder name)");
    }

    @Test
    void vocabOfAnotherSizeIsNamed() throws IOException {
        Path vocab = Files.writeString(tmp.resolve("vocab.txt"), " \na\nb\n");
        Converter.Request r = new Converter.Request(GOLDEN.resolve("model_2.pt"), null, null, vocab, Weights.EMA, null,
                tmp.resolve("weights"), "v", false);
        assertThatThrownBy(() -> Converter.convert(r)).isInstanceOf(F5jException.class)
                .hasMessageContaining("(vocab size 3, 100 mel channels): first mismatch transformer.text_embed.text_embed.weight: "
                        + "checkpoint [74, 32], config needs [4, 32]");
    }

    @Test
    void missingVocabIsNamedAndNothingIsWritten() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ckpt"));
        Path ckpt = Files.copy(GOLDEN.resolve("pruned_ema.pt"), dir.resolve("pruned_ema.pt"));
        Files.copy(GOLDEN.resolve("model.yaml"), dir.resolve("model.yaml"));
        assertThatThrownBy(() -> Converter.convert(request(ckpt, Weights.EMA, null, "nov"))).isInstanceOf(F5jException.class)
                .hasMessageStartingWith(ckpt + ": missing vocab: give a vocab.txt");
        assertThat(tmp.resolve("weights")).doesNotExist();

        Path given = tmp.resolve("nope.txt");
        Converter.Request r = new Converter.Request(ckpt, null, null, given, Weights.EMA, null, tmp.resolve("weights"), "nov", false);
        assertThatThrownBy(() -> Converter.convert(r)).isInstanceOf(F5jException.class)
                .hasMessage(given + ": missing vocab (no such file)");
    }

    @Test
    void existingFolderNeedsForce() {
        Converter.convert(request(GOLDEN.resolve("pruned_ema.pt"), Weights.EMA, null, "m"));
        assertThatThrownBy(() -> Converter.convert(request(GOLDEN.resolve("pruned_ema.pt"), Weights.EMA, null, "m")))
                .isInstanceOf(F5jException.class).hasMessageContaining("already exists (a model folder f5j wrote; forcing replaces it)");
        ModelDir again = Converter.convert(new Converter.Request(GOLDEN.resolve("model_2.pt"), null, null, null, Weights.ONLINE,
                null, tmp.resolve("weights"), "m", true));
        CheckpointsTest.assertSame(again.stateDict(), CheckpointsTest.reference(GOLDEN.resolve("model_online.safetensors")));
    }

    @Test
    void cliReportsUserErrorsWithExitCode2() {
        assertThat(Main.execute("convert", "--checkpoint", GOLDEN.resolve("model_2.pt").toString(),
                "--out-dir", tmp.resolve("w").toString(), "--name", "cli")).isEqualTo(0);
        assertThat(ModelDir.load(tmp.resolve("w/cli")).stateDict()).hasSize(64);
        assertThat(Main.execute("convert", "--checkpoint", GOLDEN.resolve("model_2.pt").toString(),
                "--out-dir", tmp.resolve("w").toString(), "--name", "cli2", "--weights", "both")).isEqualTo(2);
        assertThat(Main.execute("convert", "--checkpoint", tmp.resolve("missing.pt").toString(),
                "--out-dir", tmp.resolve("w").toString())).isEqualTo(2);
    }

    @Test
    void bundledModelIsTheGoldenEmaModel() {
        ModelDir m = ModelDir.load(Path.of("weights/f5tts-tiny-v1"));
        CheckpointsTest.assertSame(m.stateDict(), CheckpointsTest.reference(GOLDEN.resolve("model.safetensors")));
        assertThat(m.config()).isEqualTo(ModelConfig.load(GOLDEN.resolve("model.yaml")));
        Map<String, RawTensor> vocos = Checkpoints.loadStateDict(Path.of("weights/vocos-tiny/pytorch_model.bin"), Weights.EMA);
        CheckpointsTest.assertSame(vocos, TorchCheckpoint.readStateDict(Goldens.file("vocos-tiny/pytorch_model.bin")));
    }
}
