package f5j.weights;

import f5j.cli.Main;
import f5j.testing.Goldens;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** convert never deletes or overwrites a file it did not write, --force or not. */
class ConvertSafetyTest {
    @TempDir Path tmp;

    private static final Path GOLDEN = Goldens.file("f5tts-tiny-v1");

    private static Converter.Request request(Path ckpt, Path outDir, String name, boolean force) {
        return new Converter.Request(ckpt, null, null, null, Weights.EMA, null, outDir, name, force);
    }

    /** ckpts/run/{model_2.pt, model.yaml, vocab.txt}: a user's training folder. */
    private Path trainingFolder() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("ckpts/run"));
        for (String f : new String[] {"model_2.pt", "model.yaml", "vocab.txt"}) Files.copy(GOLDEN.resolve(f), run.resolve(f));
        return run;
    }

    @Test
    void theCheckpointsOwnFolderIsNeverTheTarget() throws IOException {
        Path run = trainingFolder();
        Path ckpt = run.resolve("model_2.pt");
        byte[] before = Files.readAllBytes(ckpt);
        for (boolean force : new boolean[] {false, true}) {
            assertThatThrownBy(() -> Converter.convert(request(ckpt, tmp.resolve("ckpts"), "run", force)))
                    .isInstanceOf(F5jException.class)
                    .hasMessage(tmp.resolve("ckpts/run") + ": the output folder holds the input " + ckpt
                            + "; f5j never writes over its inputs: choose another name or output folder");
        }
        // Through the CLI as the issue found it (`--out-dir ckpts --name run --force`): exit 2, nothing lost.
        assertThat(Main.execute("convert", "--checkpoint", ckpt.toString(), "--out-dir", tmp.resolve("ckpts").toString(),
                "--name", "run", "--force")).isEqualTo(2);
        assertThat(Files.readAllBytes(ckpt)).isEqualTo(before);
        try (var s = Files.list(run)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("model_2.pt", "model.yaml", "vocab.txt");
        }
        try (var s = Files.list(tmp.resolve("ckpts"))) { assertThat(s.toList()).containsExactly(run); }
    }

    @Test
    void aFolderHoldingOtherFilesIsNeverReplaced() throws IOException {
        Path out = tmp.resolve("weights");
        Converter.convert(request(GOLDEN.resolve("pruned_ema.pt"), out, "m", false));
        Path notes = Files.writeString(out.resolve("m/notes.txt"), "mine");
        for (boolean force : new boolean[] {false, true}) {
            assertThatThrownBy(() -> Converter.convert(request(GOLDEN.resolve("pruned_ema.pt"), out, "m", force)))
                    .isInstanceOf(F5jException.class)
                    .hasMessage(out.resolve("m") + ": already exists and holds files f5j did not write (notes.txt); f5j replaces"
                            + " only model folders it wrote itself: choose another name or output folder");
        }
        assertThat(notes).hasContent("mine");

        // A folder with the four names but a provenance.json f5j did not write is not f5j's either.
        Path other = Files.createDirectories(out.resolve("other"));
        for (String f : new String[] {"model.safetensors", "model.yaml", "vocab.txt", "provenance.json"}) Files.writeString(other.resolve(f), "x");
        assertThatThrownBy(() -> Converter.convert(request(GOLDEN.resolve("pruned_ema.pt"), out, "other", true)))
                .isInstanceOf(F5jException.class).hasMessageContaining("holds files f5j did not write (provenance.json (not f5j's))");
        assertThat(other.resolve("model.safetensors")).hasContent("x");

        Path file = Files.writeString(out.resolve("afile"), "keep");
        assertThatThrownBy(() -> Converter.convert(request(GOLDEN.resolve("pruned_ema.pt"), out, "afile", true)))
                .isInstanceOf(F5jException.class).hasMessage(file + ": exists and is not a model folder; choose another name or output folder");
        assertThat(file).hasContent("keep");
    }

    @Test
    void aDuplicateVocabLineIsNamed() throws IOException {
        String vocab = Files.readString(GOLDEN.resolve("vocab.txt"));
        String[] lines = vocab.split("\n", -1);
        Path dup = Files.writeString(tmp.resolve("vocab.txt"), vocab.replaceFirst("\n" + java.util.regex.Pattern.quote(lines[5]) + "\n",
                "\n" + lines[3].replace("\\", "\\\\").replace("$", "\\$") + "\n"));
        Converter.Request r = new Converter.Request(GOLDEN.resolve("model_2.pt"), null, null, dup, Weights.EMA, null,
                tmp.resolve("weights"), "d", false);
        assertThatThrownBy(() -> Converter.convert(r)).isInstanceOf(F5jException.class)
                .hasMessageContaining("first mismatch transformer.text_embed.text_embed.weight")
                .hasMessageContaining("note: " + dup + " line 6 repeats line 4 ('" + lines[3] + "'), and upstream counts distinct lines");
    }
}
