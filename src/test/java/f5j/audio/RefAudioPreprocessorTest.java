package f5j.audio;

import f5j.golden.GoldenFile;
import f5j.golden.Metrics;
import f5j.testing.Goldens;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RefAudioPreprocessorTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"f5tts-tiny-v1/infer_24k.safetensors", "f5tts-tiny-v1/infer_44k1_stereo.safetensors",
            "f5tts-tiny-v0/infer_24k.safetensors"})
    void matchesTheGoldenReference(String name) {
        try (GoldenFile g = GoldenFile.open(Goldens.file(name))) {
            RefAudioPreprocessor.Result r = RefAudioPreprocessor.process(g.dir().resolve(g.requireMeta("ref_file")).normalize());
            float[] want = g.raw("out/ref_preprocessed").toFloats();
            int channels = (int) g.raw("out/ref_preprocessed").shape()[0];
            assertThat(r.channels()).hasNumberOfRows(channels);
            float[] got = new float[want.length];
            for (int c = 0; c < channels; c++) {
                assertThat(r.channels()[c]).hasSize(want.length / channels);
                System.arraycopy(r.channels()[c], 0, got, c * r.samples(), r.samples());
            }
            assertThat(Metrics.relError(got, want)).isLessThanOrEqualTo(1e-4);
        }
    }

    /**
     * Clips made by tools/gen_pydub_cases.py, with the WAV pydub itself exported for each (bit-exact):
     * 8/16/24/32-bit PCM, mono and stereo, 8 kHz (resampled to 11025 Hz by pydub) to 44.1 kHz, each 12 s rule.
     */
    @ParameterizedTest
    @ValueSource(strings = {"rate8k_mono16_rule1", "rate11k_stereo24_rule1", "rate8k_mono8_rule2", "rate8k_mono32_rule3",
            "rate44k_stereo16_trim"})
    void equalsPydubBitForBit(String name) {
        Path dir = Path.of("src/test/resources/pydub");
        RefAudioPreprocessor.Result r = RefAudioPreprocessor.process(dir.resolve(name + ".wav"));
        Audio want = WavFile.read(dir.resolve(name + ".expected.wav"));
        assertThat(r.sampleRate()).isEqualTo(want.sampleRate());
        assertThat(r.channels()).hasNumberOfRows(want.channels().length);
        for (int c = 0; c < want.channels().length; c++) assertThat(r.channels()[c]).containsExactly(want.channels()[c]);
        String rule = name.substring(name.lastIndexOf('_') + 1);
        if (rule.startsWith("rule")) {
            assertThat(r.notes()).anyMatch(n -> n.endsWith("(" + rule.substring(4) + ")"));
        } else {
            assertThat(r.notes()).isEmpty();
        }
    }

    @Test
    void clipsAtALongSilenceBeyond12Seconds() {
        // 8 s tone, 2 s silence, 8 s tone: the second piece would pass 12 s, so only the first is kept
        int rate = 16000;
        short[] s = new short[rate * 18];
        for (int i = 0; i < s.length; i++) {
            boolean on = i < rate * 8 || i >= rate * 10;
            s[i] = on ? (short) (8000 * Math.sin(i * 0.05)) : 0;
        }
        Path f = writeWav16(s, rate, 1);
        RefAudioPreprocessor.Result r = RefAudioPreprocessor.process(f);
        // first piece = 8 s + the 1 s of silence kept after it; that tail is trimmed, then 50 ms appended
        assertThat(r.seconds()).isBetween(8.0, 8.1);
        assertThat(r.notes()).anyMatch(n -> n.contains("(1)"));
    }

    @Test
    void hardClipsAt12SecondsWithoutSilence() {
        int rate = 16000;
        short[] s = new short[rate * 15];
        for (int i = 0; i < s.length; i++) s[i] = (short) (8000 * Math.sin(i * 0.05));
        RefAudioPreprocessor.Result r = RefAudioPreprocessor.process(writeWav16(s, rate, 1));
        // audioop.ratecv of the 551 appended frames: 11025:16000 = 441:640, one output per 441 steps after the first
        assertThat(r.samples()).isEqualTo(rate * 12 + 640 * 550 / 441 + 1);
        assertThat(r.notes()).anyMatch(n -> n.contains("(3)"));
    }

    @Test
    void silentOrMissingReferenceIsAUserError() {
        assertThatThrownBy(() -> RefAudioPreprocessor.process(writeWav16(new short[16000], 16000, 1)))
                .isInstanceOf(F5jException.class).hasMessageContaining("silent");
        assertThatThrownBy(() -> RefAudioPreprocessor.process(tmp.resolve("nope.wav")))
                .isInstanceOf(F5jException.class).hasMessageContaining("nope.wav");
    }

    @Test
    void pydubLengthAndSlicing() {
        PcmSegment seg = new PcmSegment(new int[44100 * 2], 2, 44100, 2);
        assertThat(seg.lengthMs()).isEqualTo(1000);
        // 44.1 frames per ms: slices truncate, the end is padded only up to the requested frames
        assertThat(seg.slice(0, 10).frames()).isEqualTo((int) (10 * (44100 / 1000.0)));
        assertThat(seg.slice(990, 2000).frames()).isEqualTo(44100 - (int) (990 * (44100 / 1000.0)));
        assertThat(PcmSegment.silent(50).frames()).isEqualTo(551);
    }

    private Path writeWav16(short[] samples, int rate, int channels) {
        ByteBuffer b = ByteBuffer.allocate(44 + samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(36 + samples.length * 2).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
        b.put("data".getBytes()).putInt(samples.length * 2);
        for (short v : samples) b.putShort(v);
        try {
            Path f = Files.createTempFile(tmp, "ref", ".wav");
            Files.write(f, b.array());
            return f;
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
    }
}
