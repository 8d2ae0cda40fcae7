package f5j.audio;

import f5j.util.AtomicFiles;
import f5j.util.F5jException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

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

    private WavFile() {}

    public static Audio read(Path file) {
        byte[] bytes = f5j.util.InputFiles.readAllBytes(file);
        return decode(bytes, file.toString());
    }

    /** Decodes the bytes of a WAV file; {@code name} is used in error messages. */
    public static Audio decode(byte[] bytes, String name) {
        if (bytes.length == 0) throw new F5jException(name + ": empty file, not a WAV file");
        if (bytes.length < 12 || !ascii(bytes, 0, "RIFF") || !ascii(bytes, 8, "WAVE")) {
            throw new F5jException(name + ": not a WAV file (" + sniff(bytes) + "); only RIFF/WAVE audio is supported,"
                    + " convert it first (e.g. ffmpeg -i in.mp3 out.wav)");
        }
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 12;
        int formatCode = -1, channels = 0, sampleRate = 0, blockAlign = 0, bits = 0;
        int dataOffset = -1;
        long dataSize = 0;
        while (pos + 8 <= bytes.length) {
            String id = new String(bytes, pos, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            long size = bb.getInt(pos + 4) & 0xFFFFFFFFL;
            int body = pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + 16 > bytes.length) {
                    throw new F5jException(name + ": corrupt WAV header (fmt chunk of " + size + " bytes, file of "
                            + bytes.length + ")");
                }
                formatCode = bb.getShort(body) & 0xFFFF;
                channels = bb.getShort(body + 2) & 0xFFFF;
                sampleRate = bb.getInt(body + 4);
                blockAlign = bb.getShort(body + 12) & 0xFFFF;
                bits = bb.getShort(body + 14) & 0xFFFF;
                if (formatCode == WAVE_FORMAT_EXTENSIBLE) {
                    if (size < 40 || body + 40 > bytes.length) {
                        throw new F5jException(name + ": corrupt WAV header (WAVE_FORMAT_EXTENSIBLE fmt chunk of "
                                + size + " bytes)");
                    }
                    formatCode = bb.getShort(body + 24) & 0xFFFF; // first two bytes of the sub-format GUID
                }
            } else if (id.equals("data") && dataOffset < 0) {
                dataOffset = body;
                dataSize = Math.min(size, bytes.length - body);
                if (formatCode >= 0) break;
            }
            pos = (int) Math.min(bytes.length, body + size + (size & 1)); // chunks are word aligned
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
            throw new F5jException(name + ": unsupported WAV sample size: " + bits + "-bit "
                    + (isFloat ? "float" : "PCM"));
        }
        if (channels == 0) throw new F5jException(name + ": corrupt WAV header (0 channels)");
        if (sampleRate <= 0) throw new F5jException(name + ": corrupt WAV header (sample rate " + sampleRate + ")");
        int bytesPerSample = bits / 8;
        if (blockAlign != channels * bytesPerSample) {
            throw new F5jException(name + ": corrupt WAV header (block align " + blockAlign + " for " + channels
                    + " channels of " + bits + " bits)");
        }
        long frames = dataSize / blockAlign;
        if (frames == 0) throw new F5jException(name + ": WAV file contains no audio samples");
        if (frames * channels > Integer.MAX_VALUE - 8) throw new F5jException(name + ": WAV file too long");
        int n = (int) frames;
        float[][] out = new float[channels][n];
        int p = dataOffset;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++, p += bytesPerSample) out[c][i] = sample(bb, p, bits, isFloat);
        }
        return new Audio(out, sampleRate);
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

    private static boolean ascii(byte[] b, int off, String s) {
        if (off + s.length() > b.length) return false;
        for (int i = 0; i < s.length(); i++) if (b[off + i] != s.charAt(i)) return false;
        return true;
    }

    /** What a non-WAV file looks like, for the error message. */
    private static String sniff(byte[] b) {
        if (ascii(b, 0, "ID3") || (b.length > 1 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0)) return "looks like MP3";
        if (ascii(b, 0, "fLaC")) return "looks like FLAC";
        if (ascii(b, 0, "OggS")) return "looks like Ogg";
        if (ascii(b, 0, "RF64")) return "RF64 (64-bit WAV) is not supported";
        if (ascii(b, 0, "FORM")) return "looks like AIFF";
        if (b.length >= 8 && ascii(b, 4, "ftyp")) return "looks like MP4/M4A";
        if (ascii(b, 0, "RIFF")) return b.length < 12 ? "truncated RIFF header" : "a RIFF file that is not WAVE";
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
