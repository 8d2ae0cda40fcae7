package f5j.audio;

import f5j.testing.Goldens;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MP3, FLAC and Ogg Vorbis references (src/test/resources/audio-formats, made from the golden stereo WAV; see
 * the README there) decode to what a WAV of the same audio gives, and preprocess to the same reference.
 */
class AudioFilesTest {
    static final Path DIR = Path.of("src/test/resources/audio-formats");
    static final Path WAV = Goldens.file("audio/ref_44k1_stereo.wav");
    /** The project's audio tolerance (goldens README): SNR of at least 60 dB. */
    static final double MIN_SNR_DB = 60;

    @TempDir Path tmp;

    @Test
    void flacIsTheWavExactly() {
        PcmSegment wav = PcmSegment.readWav(WAV), flac = AudioFiles.readPcm(DIR.resolve("ref_44k1_stereo.flac"));
        assertThat(flac.channels()).isEqualTo(2);
        assertThat(flac.frameRate()).isEqualTo(44100);
        assertThat(flac.sampleWidth()).isEqualTo(2);
        assertThat(flac.samples()).isEqualTo(wav.samples());
        assertThat(pre(DIR.resolve("ref_44k1_stereo.flac"))).isEqualTo(pre(WAV));
    }

    /** The MP3 decoded as LAME's own decoder does (encoder delay and padding removed), within the audio tolerance. */
    @Test
    void mp3MatchesLamesDecodeAndTheWav() {
        PcmSegment mp3 = AudioFiles.readPcm(DIR.resolve("ref_44k1_stereo.mp3"));
        PcmSegment lame = AudioFiles.readPcm(DIR.resolve("ref_44k1_stereo.mp3.lame.flac"));
        assertThat(mp3.frames()).isEqualTo(lame.frames()).isEqualTo(PcmSegment.readWav(WAV).frames());
        assertThat(snr(lame.samples(), mp3.samples())).isGreaterThan(MIN_SNR_DB);
        assertThat(snr(flat(pre(DIR.resolve("ref_44k1_stereo.mp3.lame.flac"))), flat(pre(DIR.resolve("ref_44k1_stereo.mp3")))))
                .isGreaterThan(MIN_SNR_DB);
        // lossy, but the same audio: far above noise against the original
        assertThat(snr(PcmSegment.readWav(WAV).samples(), mp3.samples())).isGreaterThan(15);
    }

    @Test
    void oggMatchesSoxsDecodeAndTheWav() {
        PcmSegment ogg = AudioFiles.readPcm(DIR.resolve("ref_44k1_stereo.ogg"));
        PcmSegment sox = AudioFiles.readPcm(DIR.resolve("ref_44k1_stereo.ogg.sox.flac"));
        assertThat(ogg.frames()).isEqualTo(sox.frames()).isEqualTo(PcmSegment.readWav(WAV).frames());
        assertThat(snr(sox.samples(), ogg.samples())).isGreaterThan(MIN_SNR_DB);
        assertThat(snr(flat(pre(DIR.resolve("ref_44k1_stereo.ogg.sox.flac"))), flat(pre(DIR.resolve("ref_44k1_stereo.ogg")))))
                .isGreaterThan(MIN_SNR_DB);
        assertThat(snr(PcmSegment.readWav(WAV).samples(), ogg.samples())).isGreaterThan(15);
    }

    @Test
    void otherFilesAreRefusedNamingTheFile() throws Exception {
        Path f = Files.writeString(tmp.resolve("notes.m4a"), "....ftypM4A not audio f5j reads");
        assertThatThrownBy(() -> AudioFiles.readPcm(f)).isInstanceOf(F5jException.class)
                .hasMessageContaining("notes.m4a").hasMessageContaining("WAV, FLAC, MP3 or Ogg Vorbis");
        Path ogg = Files.write(tmp.resolve("cut.ogg"), java.util.Arrays.copyOf(Files.readAllBytes(DIR.resolve("ref_44k1_stereo.ogg")), 60));
        assertThatThrownBy(() -> AudioFiles.readPcm(ogg)).isInstanceOf(F5jException.class).hasMessageContaining("cut.ogg");
    }

    private static float[][] pre(Path p) { return RefAudioPreprocessor.process(p).channels(); }

    private static double[] flat(float[][] ch) {
        int n = ch[0].length;
        double[] out = new double[n * ch.length];
        for (int c = 0; c < ch.length; c++) for (int i = 0; i < n; i++) out[c * n + i] = ch[c][i];
        return out;
    }

    private static double snr(int[] ref, int[] x) {
        double[] a = new double[ref.length], b = new double[x.length];
        for (int i = 0; i < a.length; i++) a[i] = ref[i];
        for (int i = 0; i < b.length; i++) b[i] = x[i];
        return snr(a, b);
    }

    private static double snr(double[] ref, double[] x) {
        assertThat(x.length).isEqualTo(ref.length);
        double s = 0, e = 0;
        for (int i = 0; i < ref.length; i++) {
            s += ref[i] * ref[i];
            e += (ref[i] - x[i]) * (ref[i] - x[i]);
        }
        return e == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(s / e);
    }
}
