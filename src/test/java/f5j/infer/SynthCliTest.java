package f5j.infer;

import f5j.audio.WavFile;
import f5j.cli.Main;
import f5j.testing.Goldens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./f5j synth} end to end on the golden tiny model, and its user errors. */
class SynthCliTest {
    @TempDir Path tmp;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void captureErr() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreErr() { System.setErr(savedErr); }

    private String[] args(String... extra) {
        String[] base = {"synth", "--model", Goldens.file("f5tts-tiny-v1").toString(),
                "--vocoder", Goldens.file("vocos-tiny").toString(),
                "--ref-audio", Goldens.file("audio/ref_16k_mono.wav").toString(),
                "--ref-text", "O rato roeu a roupa do rei de Roma."};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void writesA24kHzWav() {
        Path out = tmp.resolve("out.wav");
        int rc = Main.execute(args("--text", "Olá, tudo bem?", "--nfe", "4", "--seed", "7", "--out", out.toString()));
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(log).isZero();
        assertThat(Files.isRegularFile(out)).isTrue();
        var audio = WavFile.read(out);
        assertThat(audio.sampleRate()).isEqualTo(24000);
        assertThat(audio.frames()).isPositive();
        assertThat(log).contains("seed 7").contains("real-time factor");
    }

    @Test
    void sameSeedSameAudio() throws Exception {
        Path a = tmp.resolve("a.wav"), b = tmp.resolve("b.wav");
        assertThat(Main.execute(args("--text", "Bom dia.", "--nfe", "2", "--seed", "3", "--out", a.toString()))).isZero();
        assertThat(Main.execute(args("--text", "Bom dia.", "--nfe", "2", "--seed", "3", "--out", b.toString()))).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }

    @Test
    void warnsAboutCharactersTheVocabLacks() {
        Path out = tmp.resolve("w.wav");
        // the tiny vocab has no 'x' and no Cyrillic
        int rc = Main.execute(args("--text", "Bom dia, xadrez Жук.", "--nfe", "1", "--seed", "1", "--out", out.toString()));
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(log).isZero();
        assertThat(log).contains("warning").contains("'x'").contains("'Ж'").contains("U+0416");
    }

    @Test
    void textFileAndFixDuration() throws Exception {
        Path text = Files.writeString(tmp.resolve("t.txt"), "Bom dia.", StandardCharsets.UTF_8);
        Path out = tmp.resolve("f.wav");
        int rc = Main.execute(args("--text-file", text.toString(), "--fix-duration", "3", "--nfe", "1", "--seed", "1",
                "--out", out.toString()));
        assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
        // 3 s of reference + generated frames: the reference (trimmed ref_16k_mono) leaves the rest
        var audio = WavFile.read(out);
        assertThat(audio.frames()).isPositive().isLessThan(3 * 24000);
    }

    @Test
    void fixDurationShorterThanTheReferenceIsAUserError() {
        int rc = Main.execute(args("--text", "Bom dia.", "--fix-duration", "0.5", "--out", tmp.resolve("x.wav").toString()));
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--fix-duration").contains("reference alone");
    }

    @Test
    void demoRunsOnTheBundledModel() {
        Path out = tmp.resolve("demo.wav");
        int rc = Main.execute("demo", "--nfe", "1", "--out", out.toString());
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(log).isZero();
        assertThat(out).exists();
        assertThat(log).contains("RANDOM weights").contains("real-time factor");
    }

    @Test
    void emptyTextIsAUserError() {
        int rc = Main.execute(args("--text", "   ", "--out", tmp.resolve("x.wav").toString()));
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("empty");
        assertThat(tmp.resolve("x.wav")).doesNotExist();
    }

    @Test
    void missingReferenceIsAUserError() {
        String[] a = args("--text", "Olá.", "--out", tmp.resolve("x.wav").toString());
        a[6] = tmp.resolve("missing.wav").toString();
        assertThat(Main.execute(a)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing.wav").contains("no such file");
    }

    @Test
    void missingTextFileIsAUserError() {
        int rc = Main.execute(args("--text-file", tmp.resolve("nope.txt").toString(), "--out", tmp.resolve("x.wav").toString()));
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nope.txt");
    }
}
