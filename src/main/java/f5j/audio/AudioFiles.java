package f5j.audio;

import f5j.util.F5jException;
import f5j.util.InputFiles;
import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;
import org.jflac.FLACDecoder;
import org.jflac.PCMProcessor;
import org.jflac.metadata.StreamInfo;
import org.jflac.util.ByteData;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reference audio in any format f5j reads, recognised by its first bytes: WAV ({@link PcmSegment#readWav}),
 * FLAC (jflac), MP3 (JLayer) and Ogg Vorbis (JOrbis through vorbisspi), all pure Java. Compressed files are
 * decoded to integer PCM as upstream's pydub gets it from ffmpeg — the stored width for FLAC, 16-bit for MP3 —
 * and then go through the same preprocessing, mixing and resampling as a WAV. (For Vorbis pydub asks ffmpeg
 * for 32-bit samples; vorbisspi decodes to 16 bits, which moves the result by less than 16-bit rounding.)
 */
public final class AudioFiles {
    private AudioFiles() {}

    public enum Kind { WAV, FLAC, MP3, OGG }

    /** Reads a file as pydub's {@code AudioSegment.from_file} would hand it to upstream. */
    public static PcmSegment readPcm(Path file) {
        byte[] b = InputFiles.readAllBytes(file);
        Kind k = kind(b);
        if (k == null) {
            throw new F5jException(file + ": not an audio file f5j reads (WAV, FLAC, MP3 or Ogg Vorbis); convert it to "
                    + "WAV first");
        }
        try {
            return switch (k) {
                case WAV -> PcmSegment.readWav(file);
                case FLAC -> flac(b, file);
                case MP3 -> mp3(b, file);
                case OGG -> ogg(b, file);
            };
        } catch (IOException | RuntimeException | javazoom.jl.decoder.JavaLayerException e) {
            if (e instanceof F5jException f) throw f;
            throw new F5jException(file + ": cannot decode the " + k + " audio (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Audio as {@code torchaudio.load} gives it: a WAV through {@link WavFile#read} (float WAVs as stored), the
     * compressed formats as their decoded integer samples over full scale.
     */
    public static Audio read(Path file) {
        byte[] head = new byte[4];
        try (var in = java.nio.file.Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 4);
            if (n < 4 || kind(head) == Kind.WAV) return WavFile.read(file);
        } catch (IOException e) {
            return WavFile.read(file); // it names the file and the problem
        }
        PcmSegment p = readPcm(file);
        return new Audio(p.toFloatChannels(), p.frameRate());
    }

    static Kind kind(byte[] b) {
        if (starts(b, "RIFF")) return Kind.WAV;
        if (starts(b, "fLaC")) return Kind.FLAC;
        if (starts(b, "OggS")) return Kind.OGG;
        if (starts(b, "ID3") || b.length > 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0) return Kind.MP3;
        return null;
    }

    private static boolean starts(byte[] b, String magic) {
        if (b.length < magic.length()) return false;
        for (int i = 0; i < magic.length(); i++) if (b[i] != magic.charAt(i)) return false;
        return true;
    }

    // --- FLAC: lossless, the stored samples exactly ---

    private static PcmSegment flac(byte[] bytes, Path file) throws IOException {
        FLACDecoder d = new FLACDecoder(new ByteArrayInputStream(bytes));
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        StreamInfo[] info = new StreamInfo[1];
        d.addPCMProcessor(new PCMProcessor() {
            @Override
            public void processStreamInfo(StreamInfo si) { info[0] = si; }

            @Override
            public void processPCM(ByteData data) { pcm.write(data.getData(), 0, data.getLen()); }
        });
        d.decode();
        if (info[0] == null) throw new F5jException(file + ": FLAC file without stream info");
        int ch = info[0].getChannels(), bits = info[0].getBitsPerSample(), rate = info[0].getSampleRate();
        int bps = (bits + 7) / 8;
        byte[] raw = pcm.toByteArray();
        int n = raw.length / bps;
        int[] out = new int[n - n % ch];
        int width;
        switch (bps) {
            case 1 -> { // jflac writes 8-bit samples offset by 128, as WAV; pydub's u8 becomes signed
                for (int i = 0; i < out.length; i++) out[i] = (raw[i] & 0xFF) - 128;
                width = 1;
            }
            case 2 -> {
                ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < out.length; i++) out[i] = bb.getShort(2 * i);
                width = 2;
            }
            case 3 -> { // 24-bit as pydub widens it: to 32 bits, the padding byte low
                for (int i = 0; i < out.length; i++) {
                    int p = 3 * i;
                    out[i] = ((raw[p] & 0xFF) | (raw[p + 1] & 0xFF) << 8 | raw[p + 2] << 16) << 8;
                }
                width = 4;
            }
            default -> throw new F5jException(file + ": " + bits + "-bit FLAC is not supported (8, 16 or 24)");
        }
        if (out.length == 0) throw new F5jException(file + ": the FLAC file holds no samples");
        return new PcmSegment(out, ch, rate, width);
    }

    // --- MP3: JLayer, with the encoder delay and padding of a LAME/Info tag removed as ffmpeg does ---

    /** Samples the MP3 synthesis filterbank delays its output by (ffmpeg skips them with the encoder delay). */
    private static final int DECODER_DELAY = 529;
    /** JLayer's synthesis filter scales to 32700 (head-room against clipping); ffmpeg's and LAME's to full scale. */
    private static final double JLAYER_GAIN = 32768.0 / 32700.0;

    private static PcmSegment mp3(byte[] bytes, Path file) throws BitstreamException, DecoderException {
        Gapless g = Gapless.of(bytes);
        Bitstream bs = new Bitstream(new ByteArrayInputStream(bytes));
        Decoder dec = new Decoder();
        short[] acc = new short[1 << 16];
        int len = 0, channels = 0, rate = 0;
        boolean first = true;
        for (Header h; (h = bs.readFrame()) != null; ) {
            SampleBuffer sb = (SampleBuffer) dec.decodeFrame(h, bs);
            bs.closeFrame();
            if (first && g != null) { // the Info/Xing frame carries the tag, not audio
                first = false;
                continue;
            }
            first = false;
            channels = sb.getChannelCount();
            rate = sb.getSampleFrequency();
            int n = sb.getBufferLength();
            if (len + n > acc.length) acc = Arrays.copyOf(acc, Math.max(acc.length * 2, len + n));
            System.arraycopy(sb.getBuffer(), 0, acc, len, n);
            len += n;
        }
        if (channels == 0 || len == 0) throw new F5jException(file + ": no MP3 frames");
        int frames = len / channels, start = 0, end = frames;
        if (g != null) {
            start = Math.min(frames, g.delay + DECODER_DELAY);
            end = Math.max(start, Math.min(frames, g.frames > 0 ? start + (int) Math.min(Integer.MAX_VALUE,
                    g.frames * (long) g.samplesPerFrame - g.delay - g.padding) : frames - Math.max(0, g.padding - DECODER_DELAY)));
        }
        int[] out = new int[(end - start) * channels];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) Math.max(-32768, Math.min(32767, Math.rint(acc[start * channels + i] * JLAYER_GAIN)));
        }
        return new PcmSegment(out, channels, rate, 2);
    }

    /** The LAME tag's gapless information in the first frame's Xing/Info header. */
    private record Gapless(int delay, int padding, long frames, int samplesPerFrame) {
        static Gapless of(byte[] b) {
            int p = 0;
            if (b.length > 10 && b[0] == 'I' && b[1] == 'D' && b[2] == '3') { // ID3v2: syncsafe size after a 10-byte header
                int size = (b[6] & 0x7F) << 21 | (b[7] & 0x7F) << 14 | (b[8] & 0x7F) << 7 | (b[9] & 0x7F);
                p = 10 + size + ((b[5] & 0x10) != 0 ? 10 : 0);
            }
            while (p + 4 < b.length && !((b[p] & 0xFF) == 0xFF && (b[p + 1] & 0xE0) == 0xE0)) p++;
            if (p + 4 >= b.length) return null;
            int version = (b[p + 1] >> 3) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
            boolean crc = (b[p + 1] & 1) == 0;
            boolean mono = ((b[p + 3] >> 6) & 3) == 3;
            int side = version == 3 ? (mono ? 17 : 32) : (mono ? 9 : 17);
            int x = p + 4 + (crc ? 2 : 0) + side;
            if (x + 8 > b.length || !(tag(b, x, "Xing") || tag(b, x, "Info"))) return null;
            int flags = be32(b, x + 4);
            int q = x + 8;
            long frames = 0;
            if ((flags & 1) != 0) { frames = be32(b, q) & 0xFFFFFFFFL; q += 4; }
            if ((flags & 2) != 0) q += 4;
            if ((flags & 4) != 0) q += 100;
            if ((flags & 8) != 0) q += 4;
            int spf = version == 3 ? 1152 : 576;
            if (q + 24 > b.length) return new Gapless(0, 0, 0, spf);
            int v = (b[q + 21] & 0xFF) << 16 | (b[q + 22] & 0xFF) << 8 | (b[q + 23] & 0xFF);
            return new Gapless(v >>> 12, v & 0xFFF, frames, spf);
        }

        private static boolean tag(byte[] b, int off, String s) {
            for (int i = 0; i < 4; i++) if (b[off + i] != s.charAt(i)) return false;
            return true;
        }

        private static int be32(byte[] b, int off) {
            return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
        }
    }

    // --- Ogg Vorbis: JOrbis through the vorbisspi service provider, to 16-bit PCM ---

    private static PcmSegment ogg(byte[] bytes, Path file) throws IOException {
        try (AudioInputStream enc = AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes))) {
            AudioFormat f = enc.getFormat();
            AudioFormat pcm16 = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, f.getSampleRate(), 16, f.getChannels(),
                    2 * f.getChannels(), f.getSampleRate(), false);
            try (AudioInputStream dec = AudioSystem.getAudioInputStream(pcm16, enc)) {
                byte[] raw = dec.readAllBytes();
                int ch = f.getChannels();
                int n = raw.length / 2;
                int[] out = new int[n - n % ch];
                ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < out.length; i++) out[i] = bb.getShort(2 * i);
                if (out.length == 0) throw new F5jException(file + ": the Ogg file holds no audio");
                return new PcmSegment(out, ch, Math.round(f.getSampleRate()), 2);
            }
        } catch (UnsupportedAudioFileException e) {
            throw new F5jException(file + ": an Ogg file without Vorbis audio (Opus and FLAC-in-Ogg are not read); convert it to WAV first");
        }
    }
}
