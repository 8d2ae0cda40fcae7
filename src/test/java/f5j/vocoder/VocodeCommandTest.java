package f5j.vocoder;

import f5j.audio.WavFile;
import f5j.cli.Main;
import f5j.golden.GoldenFile;
import f5j.golden.Metrics;
import f5j.testing.Goldens;
import f5j.weights.RawTensor;
import f5j.weights.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code f5j vocode} end to end on the golden's WAV and features: the audio must be the golden's decode. */
class VocodeCommandTest {
    @TempDir Path tmp;

    private static final Path VOCODER = Goldens.file("vocos-tiny");

    @Test
    void copySynthesizesAGoldenWav() {
        Path out = tmp.resolve("copy.wav");
        int rc = Main.execute("vocode", "--vocoder", VOCODER.toString(), "--in",
                Goldens.file("audio/ref_24k_mono.wav").toString(), "--out", out.toString(), "--float");
        assertThat(rc).isZero();
        assertMatchesGoldenAudio(WavFile.read(out).mono(), 1e-3);
    }

    @Test
    void decodesAMelFileTo16BitPcm() {
        Path mel = tmp.resolve("mel.safetensors");
        try (GoldenFile g = GoldenFile.open(Goldens.file("vocos-tiny/golden.safetensors"))) {
            SafeTensors.write(mel, List.of(RawTensor.of("mel", g.tensor("out/features"))), Map.of());
        }
        Path out = tmp.resolve("mel.wav");
        int rc = Main.execute("vocode", "--vocoder", VOCODER.toString(), "--in", mel.toString(), "--out", out.toString());
        assertThat(rc).isZero();
        var audio = WavFile.read(out);
        assertThat(audio.sampleRate()).isEqualTo(24000);
        // 16-bit quantization adds at most half a step (1/65536) to the golden's error budget
        assertMatchesGoldenAudio(audio.mono(), 1e-3 + 0.5 / 32768 / peakOfGolden());
    }

    @Test
    void resamplesAndMixesDownOtherWavs() {
        Path out = tmp.resolve("stereo.wav");
        int rc = Main.execute("vocode", "--vocoder", VOCODER.toString(), "--in",
                Goldens.file("audio/ref_44k1_stereo.wav").toString(), "--out", out.toString());
        assertThat(rc).isZero();
        var audio = WavFile.read(out);
        assertThat(audio.sampleRate()).isEqualTo(24000);
        assertThat(audio.channelCount()).isEqualTo(1);
        assertThat(audio.frames()).isEqualTo(51968); // 52153 samples at 24 kHz -> 204 frames -> 203 hops
    }

    @Test
    void badInputsAreUserErrors() throws IOException {
        Path mp3 = tmp.resolve("song.wav");
        Files.write(mp3, new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertThat(Main.execute("vocode", "--vocoder", VOCODER.toString(), "--in", mp3.toString(), "--out",
                tmp.resolve("x.wav").toString())).isEqualTo(2);
        assertThat(Main.execute("vocode", "--vocoder", VOCODER.toString(), "--in",
                Goldens.file("vocos-tiny/golden.safetensors").toString(), "--out", tmp.resolve("x.wav").toString()))
                .isEqualTo(2); // several tensors and no --tensor
        assertThat(Files.exists(tmp.resolve("x.wav"))).isFalse();
    }

    @Test
    void aMelLongerThanTheAudioLimitIsRefusedWithTheLimitNamed() {
        // 61 minutes of frames at 24 kHz / hop 256; zeros, so the file itself stays small on disk
        int nMels = VocosConfig.load(VOCODER.resolve("config.yaml")).inputChannels();
        int frames = 61 * 60 * 24000 / 256;
        Path mel = tmp.resolve("long.safetensors");
        SafeTensors.write(mel, List.of(RawTensor.of("mel", new f5j.tensor.Tensor(new float[nMels * frames], 1, nMels, frames))), Map.of());
        f5j.testing.CliRun r = f5j.testing.CliRun.run("vocode", "--vocoder", VOCODER.toString(), "--in", mel.toString(),
                "--out", tmp.resolve("l.wav").toString());
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("long.safetensors", frames + " mel frames", "at most " + WavFile.MAX_SECONDS + " s");
        assertThat(Files.exists(tmp.resolve("l.wav"))).isFalse();
    }

    private static float peakOfGolden() {
        try (GoldenFile g = GoldenFile.open(Goldens.file("vocos-tiny/golden.safetensors"))) {
            return (float) Metrics.maxAbs(g.raw("out/audio").toFloats());
        }
    }

    private static void assertMatchesGoldenAudio(float[] actual, double tol) {
        try (GoldenFile g = GoldenFile.open(Goldens.file("vocos-tiny/golden.safetensors"))) {
            float[] want = g.raw("out/audio").toFloats();
            assertThat(actual).hasSameSizeAs(want);
            assertThat(Metrics.relError(actual, want)).isLessThanOrEqualTo(tol);
        }
    }
}
