package f5j.audio;

import f5j.golden.GoldenFile;
import f5j.testing.Goldens;
import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WavFileTest {
    @TempDir Path tmp;

    @Test
    void readsTheGoldenWavsAsTorchaudioLoadDid() {
        try (GoldenFile g = GoldenFile.open(Goldens.file("frontend.safetensors"))) {
            assertSameAs(WavFile.read(Goldens.file("audio/ref_24k_mono.wav")), g.input("wav24k").data, 24000, 1);
            assertSameAs(WavFile.read(Goldens.file("audio/ref_16k_mono.wav")), g.input("wav16k").data, 16000, 1);
            assertSameAs(WavFile.read(Goldens.file("audio/ref_44k1_stereo.wav")), g.input("wav44k1_stereo").data, 44100, 2);
        }
    }

    private static void assertSameAs(Audio a, float[] expected, int rate, int channels) {
        assertThat(a.sampleRate()).isEqualTo(rate);
        assertThat(a.channelCount()).isEqualTo(channels);
        float[] flat = new float[expected.length];
        for (int c = 0; c < channels; c++) System.arraycopy(a.channels()[c], 0, flat, c * a.frames(), a.frames());
        assertThat(flat).isEqualTo(expected);
    }

    /** Values every format represents exactly: multiples of 1/128 in [-1, 1). */
    private static float[][] exactSignal(int channels, int n) {
        float[][] x = new float[channels][n];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < n; i++) x[c][i] = (((i * 37 + c * 11) % 256) - 128) / 128f;
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(WavFile.Format.class)
    void roundTripsEveryFormatMonoAndStereo(WavFile.Format format) {
        for (int channels : new int[] {1, 2, 3}) {
            float[][] x = exactSignal(channels, 1001);
            Path f = tmp.resolve(format + "_" + channels + ".wav");
            WavFile.write(f, new Audio(x, 22050), format);
            Audio back = WavFile.read(f);
            assertThat(back.sampleRate()).isEqualTo(22050);
            assertThat(back.channelCount()).isEqualTo(channels);
            for (int c = 0; c < channels; c++) assertThat(back.channels()[c]).isEqualTo(x[c]);
        }
    }

    @Test
    void scalesLikeTorchaudioAndQuantizesWithRoundingAndClipping() {
        float[] x = {0f, 0.5f, -1f, 1f, 2f, -3f, 1.4f / 32768f, 1.6f / 32768f, -0.5f / 32768f};
        Path f = tmp.resolve("q.wav");
        WavFile.write(f, x, 24000);
        float[] back = WavFile.read(f).mono();
        assertThat(back).containsExactly(0f, 0.5f, -1f, 32767 / 32768f, 32767 / 32768f, -1f, 1 / 32768f,
                2 / 32768f, 0f);
        // 24- and 32-bit full-scale values
        WavFile.write(f, new Audio(new float[][] {{-1f, 0.25f}}, 8000), WavFile.Format.PCM_24);
        assertThat(WavFile.read(f).mono()).containsExactly(-1f, 0.25f);
        WavFile.write(f, new Audio(new float[][] {{-1f, 0.25f}}, 8000), WavFile.Format.PCM_32);
        assertThat(WavFile.read(f).mono()).containsExactly(-1f, 0.25f);
    }

    @Test
    void writesA16BitPcmHeader() throws IOException {
        Path f = tmp.resolve("h.wav");
        WavFile.write(f, new float[] {0.25f, -0.25f}, 24000);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.capacity()).isEqualTo(48);
        assertThat(b.getShort(20)).isEqualTo((short) 1);   // PCM
        assertThat(b.getShort(22)).isEqualTo((short) 1);   // mono
        assertThat(b.getInt(24)).isEqualTo(24000);
        assertThat(b.getShort(34)).isEqualTo((short) 16);
        assertThat(b.getShort(44)).isEqualTo((short) 8192);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("h.wav"); // no temp file left
        }
    }

    @Test
    void mixesChannelsDownByTheMean() {
        Audio a = new Audio(new float[][] {{1f, 0.5f}, {0f, -0.5f}}, 16000);
        assertThat(a.mono()).containsExactly(0.5f, 0f);
    }

    @Test
    void readsExtensibleAndFloat64AndSkipsOtherChunks() throws IOException {
        // WAVE_FORMAT_EXTENSIBLE, 24-bit PCM sub-format, with a LIST chunk of odd size before fmt
        byte[] list = chunk("LIST", new byte[] {1, 2, 3});
        ByteBuffer fmt = le(40);
        fmt.putShort((short) 0xFFFE).putShort((short) 1).putInt(48000).putInt(48000 * 3).putShort((short) 3)
                .putShort((short) 24).putShort((short) 22).putShort((short) 24).putInt(4).putShort((short) 1)
                .put(new byte[14]);
        ByteBuffer data = le(6);
        data.put((byte) 0).put((byte) 0).put((byte) 0x40).put((byte) 0).put((byte) 0).put((byte) 0x80);
        Path f = tmp.resolve("ext.wav");
        Files.write(f, riff(list, chunk("fmt ", fmt.array()), chunk("data", data.array())));
        Audio a = WavFile.read(f);
        assertThat(a.sampleRate()).isEqualTo(48000);
        assertThat(a.mono()).containsExactly(0.5f, -1f);

        ByteBuffer fmt64 = le(16);
        fmt64.putShort((short) 3).putShort((short) 1).putInt(8000).putInt(64000).putShort((short) 8).putShort((short) 64);
        ByteBuffer d64 = le(16);
        d64.putDouble(0.125).putDouble(-0.75);
        Files.write(f, riff(chunk("fmt ", fmt64.array()), chunk("data", d64.array())));
        assertThat(WavFile.read(f).mono()).containsExactly(0.125f, -0.75f);
        Files.write(f, riff(chunk("data", d64.array()), chunk("fmt ", fmt64.array()))); // data before fmt
        assertThat(WavFile.read(f).mono()).containsExactly(0.125f, -0.75f);
    }

    @Test
    void readsADataChunkThatRunsPastTheEnd() throws IOException {
        Path f = tmp.resolve("stream.wav");
        WavFile.write(f, new float[] {0.5f, -0.5f, 0.25f}, 16000);
        byte[] b = Files.readAllBytes(f);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(40, -1); // size 0xFFFFFFFF as streamers write
        Files.write(f, Arrays.copyOf(b, b.length - 1)); // and a torn last sample
        assertThat(WavFile.read(f).mono()).containsExactly(0.5f, -0.5f);
    }

    @Test
    void rejectsMalformedFilesWithAClearMessage() throws IOException {
        Path good = tmp.resolve("good.wav");
        WavFile.write(good, new float[] {0.1f, 0.2f, 0.3f}, 24000);
        byte[] wav = Files.readAllBytes(good);

        expectError("empty.wav", new byte[0], "empty file");
        expectError("truncated.wav", Arrays.copyOf(wav, 8), "not a WAV file (truncated RIFF header)");
        expectError("truncated-fmt.wav", Arrays.copyOf(wav, 30), "corrupt WAV header");
        expectError("no-data.wav", Arrays.copyOf(wav, 36), "no data chunk");
        byte[] magic = wav.clone();
        magic[0] = 'X';
        expectError("magic.wav", magic, "not a WAV file (no RIFF/WAVE header)");
        byte[] mp3 = new byte[600];
        System.arraycopy("ID3".getBytes(StandardCharsets.US_ASCII), 0, mp3, 0, 3);
        mp3[3] = 4;
        expectError("song.wav", mp3, "looks like MP3");
        byte[] rawMp3 = new byte[600];
        rawMp3[0] = (byte) 0xFF;
        rawMp3[1] = (byte) 0xFB;
        expectError("frames.wav", rawMp3, "looks like MP3");
        expectError("lossless.wav", "fLaC\0\0\0 more bytes".getBytes(StandardCharsets.ISO_8859_1), "looks like FLAC");
        byte[] adpcm = wav.clone();
        adpcm[20] = 2;
        expectError("adpcm.wav", adpcm, "unsupported WAV encoding MS ADPCM");
        byte[] bits12 = wav.clone();
        bits12[34] = 12;
        expectError("twelve.wav", bits12, "unsupported WAV sample size: 12-bit PCM");
        expectError("silent.wav", Arrays.copyOf(wav, 44), "contains no audio samples");
        assertThatThrownBy(() -> WavFile.read(tmp.resolve("missing.wav")))
                .isInstanceOf(F5jException.class).hasMessageContaining("missing.wav: no such file");
    }

    /** The synth reference reader (pydub semantics) and the vocode/audit reader give the same verdicts. */
    private void expectBoth(String name, byte[] bytes, String problem) throws IOException {
        expectError(name, bytes, problem);
        Path f = tmp.resolve(name);
        assertThatThrownBy(() -> PcmSegment.readWav(f)).isInstanceOf(F5jException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining(problem);
    }

    static byte[] pcm16(int channels, int rate, int frames) {
        ByteBuffer fmt = le(16);
        fmt.putShort((short) 1).putShort((short) channels).putInt(rate).putInt(rate * channels * 2)
                .putShort((short) (channels * 2)).putShort((short) 16);
        return riff(chunk("fmt ", fmt.array()), chunk("data", new byte[frames * channels * 2]));
    }

    @Test
    void hostileHeadersGetTheSameCleanErrorFromBothReaders() throws IOException {
        // A fmt chunk claiming 0x7FFFFFF0 bytes: the chunk walk must not wrap around (it used to throw).
        byte[] huge = pcm16(1, 24000, 10);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0x7FFFFFF0);
        expectBoth("hugefmt.wav", huge, "no data chunk");
        byte[] hugeData = riff(chunk("LIST", new byte[4]), chunk("data", new byte[4]));
        ByteBuffer.wrap(hugeData).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0x7FFFFFF0);
        expectBoth("hugelist.wav", hugeData, "no fmt chunk");
        byte[] many = pcm16(1, 24000, 4);
        ByteBuffer.wrap(many).order(ByteOrder.LITTLE_ENDIAN).putShort(22, (short) -1).putShort(32, (short) (65535 * 2));
        expectBoth("many.wav", many, "WAV header says 65535 channels (f5j reads at most 64)");
        expectBoth("ghz.wav", pcm16(1, 1_000_000_000, 4), "WAV header says 1000000000 Hz (f5j reads 1000 to 384000 Hz)");
        expectBoth("zero-rate.wav", pcm16(1, 0, 4), "WAV header says 0 Hz");
        byte[] mp3 = new byte[600];
        System.arraycopy("ID3".getBytes(StandardCharsets.US_ASCII), 0, mp3, 0, 3);
        expectBoth("song.mp3", mp3, "not a WAV file (looks like MP3); only RIFF/WAVE audio is supported, convert it first");
        expectBoth("empty.wav", new byte[0], "empty file, not a WAV file");
        expectBoth("nosamples.wav", pcm16(2, 24000, 0), "contains no audio samples");
    }

    @Test
    void anHourOfAudioIsRefusedWithTheLimitNamed() throws IOException {
        // 60 minutes at 1 kHz, 16-bit mono: 7.2 MB on disk, refused before any sample is decoded.
        expectBoth("hour.wav", pcm16(1, 1000, 3600 * 1000),
                "3600.0 s of audio; f5j reads at most 600 s (10 minutes) at a time: split it first");
        byte[] ok = pcm16(1, 1000, 600 * 1000);
        Files.write(tmp.resolve("ten.wav"), ok);
        assertThat(WavFile.read(tmp.resolve("ten.wav")).frames()).isEqualTo(600_000);
        assertThat(PcmSegment.readWav(tmp.resolve("ten.wav")).frames()).isEqualTo(600_000);
    }

    private void expectError(String name, byte[] bytes, String problem) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        assertThatThrownBy(() -> WavFile.read(f)).isInstanceOf(F5jException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining(problem);
    }

    static ByteBuffer le(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    static byte[] chunk(String id, byte[] body) {
        ByteBuffer b = le(8 + body.length + (body.length & 1));
        b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
        return b.array();
    }

    static byte[] riff(byte[]... chunks) {
        int n = 4;
        for (byte[] c : chunks) n += c.length;
        ByteBuffer b = le(8 + n);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(n).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        for (byte[] c : chunks) b.put(c);
        return b.array();
    }
}
