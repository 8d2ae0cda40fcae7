package f5j.audit;

import f5j.testing.CliRun;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static f5j.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

/** ./f5j audit on the command line: the summary, the report files, user errors (exit 2, no stack trace). */
class AuditCommandTest {
    @TempDir
    Path dir;

    private String[] args(String config, String... extra) {
        String m = Goldens.file("f5tts-tiny-v1").toString();
        String[] base = {"audit", "--checkpoint", m + "/model_2.pt", "--vocab", m + "/vocab.txt", "--ref-audio",
                Goldens.file("audio/ref_44k1_stereo.wav").toString(), "--ref-text", AuditFixtures.REF_TEXT, "--nfe", "2",
                "--seed", "3", "--train-precision", "bf16"};
        String[] all = java.util.Arrays.copyOf(base, base.length + 2 + extra.length);
        all[base.length] = config.endsWith(".yaml") ? "--config" : "--preset";
        all[base.length + 1] = config;
        System.arraycopy(extra, 0, all, base.length + 2, extra.length);
        return all;
    }

    @Test
    void printsTheSummaryAndWritesBothReports() {
        CliRun r = run(args(Goldens.file("f5tts-tiny-v1/model.yaml").toString(), "--out", dir.resolve("rep").toString(),
                "--vocoder", Goldens.file("vocos-tiny").toString(), "--target-rms", "0.3"));
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).contains("audio SNR of inference against trainer");
        assertThat(f5j.audio.WavFile.read(dir.resolve("rep/train.wav")).sampleRate()).isEqualTo(24000);
        assertThat(dir.resolve("rep/infer.wav")).exists();
        assertThat(dir.resolve("rep/report.html")).content().contains("data:audio/wav;base64,");
        assertThat(r.out()).contains("verdict: ", "checks:", "weights: EMA vs online", "noise floor (seeds 3, 4)", "architecture: flags");
        assertThat(dir.resolve("rep/report.json")).content().contains("\"train_precision\": \"bf16\"",
                "both paths mix the 2 channels to mono", "both paths resample 44100 Hz to 24000 Hz",
                "\"target_rms\": 0.3", "to 0.30 (the generated wave scaled back)"); // synth's --target-rms, through synth's code
        assertThat(dir.resolve("rep/report.html")).exists();
    }

    @Test
    void aConfigThatDoesNotFitTheCheckpointIsAUserError() {
        CliRun r = run(args("F5TTS_v1_Base", "--out", dir.resolve("rep").toString()));
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("model_2.pt does not fit the config preset F5TTS_v1_Base").doesNotContain("Exception");
    }

    @Test
    void missingOutputFolderIsAUserError() {
        CliRun r = run(args(Goldens.file("f5tts-tiny-v1/model.yaml").toString()));
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("--out DIR is needed");
    }
}
