package f5j.audio;

import f5j.util.AtomicFiles;
import f5j.util.F5jException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * WAV files in and out, with the sample values {@code torchaudio.load} gives (normalize=True): unsigned
 * 8-bit {@code (x-128)/128}, signed 16/24/32-bit {@code x/2^(bits-1)}, IEEE float as stored (64-bit
 * narrowed to float32).
 *
 * <p>The RIFF structure is parsed here rather than through javax.sound: javax.sound's handling of 24-bit,
 * float and WAVE_FORMAT_EXTENSIBLE files differs between JDKs and it converts samples on its own terms,
 * while parity needs the raw integers. Chunks other than {@code fmt } and {@code data} are skipped; a
 * data chunk whose size runs past the end of the file (streamed recordings) is read up to the last
 * whole frame.
 */
public final class WavFile {
    /** Sample encodings {@link #write(Path, Audio, Format)} can produce (all readable by {@link #read}). */
    public enum Format {
        PCM_U8(1, 8), PCM_16(1, 16), PCM_24(1, 24), PCM_32(1, 32), FLOAT_32(3, 32);

        final int code, bits;

        Format(int code, int bits) { this.code = code; this.bits = bits; }
    }

    private static final int WAVE_FORMAT_PCM = 1, WAVE_FORMAT_IEEE_FLOAT = 3, WAVE_FORMAT_EXTENSIBLE = 0xFFFE;

    /*
     * Limits on what a WAV header may ask for, checked before any sample is decoded: they bound memory by
     * the work (a reference is clipped to 12 s, a vocoded recording is held whole with its mel and the
     * network's activations) and refuse nonsense such as 65535 channels or 1 GHz, whose resampling
     * kernel alone would take gigabytes.
     */
    public static final int MAX_CHANNELS = 64, MIN_RATE = 1000, MAX_RATE = 384_000;
    /** Longer audio: split it first (e.g. {@code sox in.wav part.wav trim 0 600 : newfile : restart}). */
    public static final int MAX_SECONDS = 600;
    /** 2^27 samples: 512 MB as float, 10 minutes of 48 kHz audio in 4.6 channels. */
    public static final long MAX_SAMPLES = 1L << 27;

    /** The facts of a WAV header, validated: PCM (1) or IEEE float (3), and where the whole frames are. */
    public record Header(int formatCode, int channels, int sampleRate, int bits, int dataOffset, int frames) {
        public boolean isFloat() { return formatCode == WAVE_FORMAT_IEEE_FLOAT; }

        public int bytesPerSample() { return bits / 8; }
    }

    /** A WAV file's bytes (little-endian, memory-mapped: nothing is read until decoded) and its header. */
    public record Parsed(ByteBuffer bytes, Header header) {}

    private WavFile() {}

    public static Audio read(Path file) {
        Parsed p = open(file, Integer.MAX_VALUE);
        return decode(p.bytes(), p.header());
    }

    /**
     * Maps a WAV file and validates its header; the one header parser of f5j, so every reader gives the
     * same answer and the same messages. {@code maxChunks}: how many RIFF chunks to look through (pydub
     * gives up after 10).
     */
    public static Parsed open(Path file, int maxChunks) {
        ByteBuffer bb;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            // A WAV file cannot describe more than 4 GiB; past 2 GiB it is refused by the length limit anyway.
            long size = Math.min(ch.size(), Integer.MAX_VALUE - 8);
            bb = size == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (NoSuchFileException e) {
            throw new F5jException(file + ": no such file");
        } catch (IOException e) {
            throw new F5jException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        bb.order(ByteOrder.LITTLE_ENDIAN);
        return new Parsed(bb, header(bb, file.toString(), maxChunks));
    }

    /** Decodes the bytes of a WAV file; {@code name} is used in error messages. */
    public static Audio decode(byte[] bytes, String name) {
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return decode(bb, header(bb, name, Integer.MAX_VALUE));
    }

    private static Audio decode(ByteBuffer bb, Header h) {
        int n = h.frames(), channels = h.channels(), bps = h.bytesPerSample(), bits = h.bits();
        boolean isFloat = h.isFloat();
        float[][] out = new float[channels][n];
        int p = h.dataOffset();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++, p += bps) out[c][i] = sample(bb, p, bits, isFloat);
        }
        return new Audio(out, h.sampleRate());
    }

    /** Parses and validates the RIFF/WAVE header in {@code bb} (little-endian, position 0 to its limit). */
    static Header header(ByteBuffer bb, String name, int maxChunks) {
        int len = bb.limit();
        if (len == 0) throw new F5jException(name + ": empty file, not a WAV file");
        if (len < 12 || !ascii(bb, 0, "RIFF") || !ascii(bb, 8, "WAVE")) {
            throw new F5jException(name + ": not a WAV file (" + sniff(bb) + "); only RIFF/WAVE audio is supported,"
                    + " convert it first (e.g. ffmpeg -i in.mp3 out.wav)");
        }
        long pos = 12;
        int formatCode = -1, channels = 0, sampleRate = 0, blockAlign = 0, bits = 0;
        long dataOffset = -1, dataSize = 0;
        for (int chunks = 0; pos + 8 <= len && chunks < maxChunks; chunks++) {
            int at = (int) pos;
            long size = bb.getInt(at + 4) & 0xFFFFFFFFL;
            long body = pos + 8;
            if (ascii(bb, at, "fmt ") && formatCode < 0) {
                if (size < 16 || body + 16 > len) {
                    throw new F5jException(name + ": corrupt WAV header (fmt chunk of " + size + " bytes, file of " + len + ")");
                }
                int b = (int) body;
                formatCode = bb.getShort(b) & 0xFFFF;
                channels = bb.getShort(b + 2) & 0xFFFF;
                sampleRate = bb.getInt(b + 4);
                blockAlign = bb.getShort(b + 12) & 0xFFFF;
                bits = bb.getShort(b + 14) & 0xFFFF;
                if (formatCode == WAVE_FORMAT_EXTENSIBLE) {
                    if (size < 40 || body + 40 > len) {
                        throw new F5jException(name + ": corrupt WAV header (WAVE_FORMAT_EXTENSIBLE fmt chunk of " + size + " bytes)");
                    }
                    formatCode = bb.getShort(b + 24) & 0xFFFF; // first two bytes of the sub-format GUID
                }
            } else if (ascii(bb, at, "data") && dataOffset < 0) {
                dataOffset = body;
                dataSize = Math.min(size, len - body);
                if (formatCode >= 0) break;
            }
            pos = body + size + (size & 1); // chunks are word aligned; a long, so no size can wrap it around
        }
        if (formatCode < 0) throw new F5jException(name + ": corrupt WAV header (no fmt chunk)");
        if (dataOffset < 0) throw new F5jException(name + ": corrupt or truncated WAV file (no data chunk)");
        if (formatCode != WAVE_FORMAT_PCM && formatCode != WAVE_FORMAT_IEEE_FLOAT) {
            throw new F5jException(name + ": unsupported WAV encoding " + encodingName(formatCode)
                    + "; only PCM (8/16/24/32-bit) and IEEE float (32/64-bit) are supported");
        }
        boolean isFloat = formatCode == WAVE_FORMAT_IEEE_FLOAT;
        boolean bitsOk = isFloat ? bits == 32 || bits == 64 : bits == 8 || bits == 16 || bits == 24 || bits == 32;
        if (!bitsOk) {
            throw new F5jException(name + ": unsupported WAV sample size: " + bits + "-bit " + (isFloat ? "float" : "PCM"));
        }
        if (channels == 0) throw new F5jException(name + ": corrupt WAV header (0 channels)");
        if (channels > MAX_CHANNELS) {
            throw new F5jException(name + ": WAV header says " + channels + " channels (f5j reads at most " + MAX_CHANNELS + ")");
        }
        if (sampleRate < MIN_RATE || sampleRate > MAX_RATE) {
            throw new F5jException(name + ": WAV header says " + Integer.toUnsignedString(sampleRate) + " Hz (f5j reads "
                    + MIN_RATE + " to " + MAX_RATE + " Hz)");
        }
        int bytesPerSample = bits / 8;
        if (blockAlign != channels * bytesPerSample) {
            throw new F5jException(name + ": corrupt WAV header (block align " + blockAlign + " for " + channels
                    + " channels of " + bits + " bits)");
        }
        long frames = dataSize / blockAlign;
        if (frames == 0) throw new F5jException(name + ": WAV file contains no audio samples");
        if (frames > (long) MAX_SECONDS * sampleRate) {
            throw new F5jException(name + ": " + String.format(java.util.Locale.ROOT, "%.1f", frames / (double) sampleRate)
                    + " s of audio; f5j reads at most " + MAX_SECONDS + " s (" + MAX_SECONDS / 60 + " minutes) at a time: split it first");
        }
        if (frames * channels > MAX_SAMPLES) {
            throw new F5jException(name + ": " + channels + " channels of " + frames + " frames; f5j reads at most " + MAX_SAMPLES
                    + " samples at a time: split it first");
        }
        return new Header(formatCode, channels, sampleRate, bits, (int) dataOffset, (int) frames);
    }

    private static float sample(ByteBuffer bb, int p, int bits, boolean isFloat) {
        if (isFloat) return bits == 32 ? bb.getFloat(p) : (float) bb.getDouble(p);
        return switch (bits) {
            case 8 -> ((bb.get(p) & 0xFF) - 128) / 128f;
            case 16 -> bb.getShort(p) / 32768f;
            case 24 -> ((bb.get(p) & 0xFF) | (bb.get(p + 1) & 0xFF) << 8 | bb.get(p + 2) << 16) / 8388608f;
            default -> (float) bb.getInt(p) / 2147483648f;
        };
    }

    /** Writes mono audio as 16-bit PCM, atomically. */
    public static void write(Path file, float[] mono, int sampleRate) {
        write(file, new Audio(new float[][] {mono}, sampleRate), Format.PCM_16);
    }

    /**
     * Writes audio in the given format, atomically. Integer formats scale by 2^(bits-1) (the inverse of
     * {@link #read}, so a read file writes back unchanged), round half to even and clip to the range.
     */
    public static void write(Path file, Audio audio, Format format) {
        int channels = audio.channelCount(), n = audio.frames();
        if (channels == 0) throw new IllegalArgumentException("no channels to write");
        for (float[] ch : audio.channels()) {
            if (ch.length != n) throw new IllegalArgumentException("channels differ in length");
        }
        int bps = format.bits / 8;
        long dataBytes = (long) n * channels * bps;
        if (dataBytes > 0xFFFFFFFFL - 36) throw new F5jException(file + ": audio too long for a WAV file");
        AtomicFiles.write(file, out -> {
            ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
            h.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + dataBytes));
            h.put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16);
            h.putShort((short) format.code).putShort((short) channels).putInt(audio.sampleRate());
            h.putInt(audio.sampleRate() * channels * bps).putShort((short) (channels * bps)).putShort((short) format.bits);
            h.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) dataBytes);
            out.write(h.array());
            writeSamples(out, audio.channels(), n, format);
        });
    }

    private static void writeSamples(OutputStream out, float[][] ch, int n, Format format) throws IOException {
        int bps = format.bits / 8;
        ByteBuffer buf = ByteBuffer.allocate(8192 * bps * ch.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            for (float[] c : ch) {
                float v = c[i];
                switch (format) {
                    case PCM_U8 -> buf.put((byte) (quantize(v, 128) + 128));
                    case PCM_16 -> buf.putShort((short) quantize(v, 32768));
                    case PCM_24 -> {
                        long q = quantize(v, 8388608);
                        buf.put((byte) q).put((byte) (q >> 8)).put((byte) (q >> 16));
                    }
                    case PCM_32 -> buf.putInt((int) quantize(v, 2147483648L));
                    case FLOAT_32 -> buf.putFloat(v);
                }
            }
            if (buf.remaining() < bps * ch.length) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        }
        out.write(buf.array(), 0, buf.position());
    }

    private static long quantize(float v, long scale) {
        if (Float.isNaN(v)) return 0;
        double q = Math.rint((double) v * scale);
        return (long) Math.max(-scale, Math.min(scale - 1, q));
    }

    private static boolean ascii(ByteBuffer b, int off, String s) {
        if (off + s.length() > b.limit()) return false;
        for (int i = 0; i < s.length(); i++) if (b.get(off + i) != s.charAt(i)) return false;
        return true;
    }

    /** What a non-WAV file looks like, for the error message. */
    private static String sniff(ByteBuffer b) {
        if (ascii(b, 0, "ID3") || (b.limit() > 1 && (b.get(0) & 0xFF) == 0xFF && (b.get(1) & 0xE0) == 0xE0)) return "looks like MP3";
        if (ascii(b, 0, "fLaC")) return "looks like FLAC";
        if (ascii(b, 0, "OggS")) return "looks like Ogg";
        if (ascii(b, 0, "RF64")) return "RF64 (64-bit WAV) is not supported";
        if (ascii(b, 0, "FORM")) return "looks like AIFF";
        if (b.limit() >= 8 && ascii(b, 4, "ftyp")) return "looks like MP4/M4A";
        if (ascii(b, 0, "RIFF")) return b.limit() < 12 ? "truncated RIFF header" : "a RIFF file that is not WAVE";
        return "no RIFF/WAVE header";
    }

    private static String encodingName(int code) {
        return switch (code) {
            case 2 -> "MS ADPCM (format 2)";
            case 6 -> "A-law (format 6)";
            case 7 -> "mu-law (format 7)";
            case 0x11 -> "IMA ADPCM (format 0x11)";
            case 0x55 -> "MP3 (format 0x55)";
            default -> "format code " + code;
        };
    }
}
