package f5j.audio;

import f5j.util.F5jException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Integer PCM audio with pydub's {@code AudioSegment} semantics, as upstream's reference preprocessing
 * sees it: interleaved integer samples of a sample width (1, 2 or 4 bytes; 24-bit input widened to 4 the
 * way pydub does), a channel count and a frame rate, all kept from the file. Positions are milliseconds
 * turned into frames with pydub's float arithmetic, lengths round half to even, appends convert both sides
 * to the larger rate / channel count / width with the {@code audioop} algorithms. Immutable.
 */
public final class PcmSegment {
    private final int[] data; // interleaved raw sample values
    private final int channels;
    private final int frameRate;
    private final int sampleWidth;
    private long[] squarePrefix; // lazily built by sumSquares

    public PcmSegment(int[] data, int channels, int frameRate, int sampleWidth) {
        if (data.length % channels != 0) throw new IllegalArgumentException("not a whole number of frames");
        this.data = data;
        this.channels = channels;
        this.frameRate = frameRate;
        this.sampleWidth = sampleWidth;
    }

    public int channels() { return channels; }

    public int frameRate() { return frameRate; }

    public int sampleWidth() { return sampleWidth; }

    public int frames() { return data.length / channels; }

    /** The interleaved samples (a copy). */
    public int[] samples() { return data.clone(); }

    /** pydub {@code AudioSegment.silent(duration)}: mono, 16-bit, 11025 Hz zeros. */
    public static PcmSegment silent(int durationMs) {
        int frames = (int) (11025 * (durationMs / 1000.0));
        return new PcmSegment(new int[frames], 1, 11025, 2);
    }

    /** Length in ms: {@code round(1000 * frames / rate)}, ties to even as Python's round. */
    public long lengthMs() { return (long) Math.rint(1000 * ((double) frames() / frameRate)); }

    private double frameCount(double ms) { return ms * (frameRate / 1000.0); }

    /** {@code seg[startMs:endMs]} (both >= 0): clipped to the length, short ends padded with zero frames. */
    public PcmSegment slice(long startMs, long endMs) {
        int[] r = sliceFrames(startMs, endMs);
        int[] out = new int[r[2] * channels];
        System.arraycopy(data, r[0] * channels, out, 0, (r[1] - r[0]) * channels);
        return new PcmSegment(out, channels, frameRate, sampleWidth);
    }

    /** {@code seg[startMs:endMs].rms} without copying the slice. */
    public long sliceRms(long startMs, long endMs) {
        int[] r = sliceFrames(startMs, endMs);
        if (r[2] == 0) return 0;
        return (long) Math.sqrt(sumSquares(r[0] * channels, r[1] * channels) / ((double) r[2] * channels));
    }

    /**
     * The frames of {@code seg[startMs:endMs]}: {from, to, total} with [from, to) taken from the data and
     * {@code total - (to - from)} zero frames after them. pydub pads with copies of a zeroed first frame,
     * so nothing is padded onto an empty slice.
     */
    private int[] sliceFrames(long startMs, long endMs) {
        long len = lengthMs();
        long s = Math.min(startMs, len), e = Math.min(endMs, len);
        long startFrame = (long) frameCount(s), endFrame = (long) frameCount(e);
        int n = frames();
        int from = (int) Math.min(startFrame, n), to = (int) Math.max(from, Math.min(endFrame, n));
        int have = to - from;
        long missing = (endFrame - startFrame) - have;
        int total = have > 0 && missing > 0 ? have + (int) missing : have;
        return new int[] {from, to, total};
    }

    /** {@code audioop.rms}: over all samples of all channels, truncated to an integer. */
    public long rms() {
        if (data.length == 0) return 0;
        return (long) Math.sqrt(sumSquares(0, data.length) / data.length);
    }

    /**
     * Sum of squares of samples [a, b), as audioop adds them in double. For widths up to 16 bits every
     * partial sum is an integer below 2^53, so exact long prefix sums give the same value without rescanning.
     */
    private double sumSquares(int a, int b) {
        if (sampleWidth <= 2) {
            long[] p = squarePrefix;
            if (p == null) {
                p = new long[data.length + 1];
                for (int i = 0; i < data.length; i++) p[i + 1] = p[i] + (long) data[i] * data[i];
                squarePrefix = p;
            }
            return (double) (p[b] - p[a]);
        }
        double sum = 0;
        for (int i = a; i < b; i++) {
            double d = data[i];
            sum += d * d;
        }
        return sum;
    }

    public double maxPossibleAmplitude() { return Math.pow(2, sampleWidth * 8) / 2; }

    /** pydub {@code dBFS}: 20·log(rms / full scale, 10), −∞ for silence. */
    public double dBFS() {
        long r = rms();
        if (r == 0) return Double.NEGATIVE_INFINITY;
        return 20 * (StrictMath.log(r / maxPossibleAmplitude()) / StrictMath.log(10));
    }

    /** {@code audioop.reverse}: sample order reversed (for stereo this also swaps the channels). */
    public PcmSegment reverse() {
        int[] out = new int[data.length];
        for (int i = 0; i < data.length; i++) out[i] = data[data.length - 1 - i];
        return new PcmSegment(out, channels, frameRate, sampleWidth);
    }

    /** {@code self + other} (append without crossfade): both synced to the larger channels/rate/width. */
    public PcmSegment append(PcmSegment other) {
        int ch = Math.max(channels, other.channels);
        int rate = Math.max(frameRate, other.frameRate);
        int width = Math.max(sampleWidth, other.sampleWidth);
        PcmSegment a = this.withChannels(ch).withFrameRate(rate).withSampleWidth(width);
        PcmSegment b = other.withChannels(ch).withFrameRate(rate).withSampleWidth(width);
        int[] out = Arrays.copyOf(a.data, a.data.length + b.data.length);
        System.arraycopy(b.data, 0, out, a.data.length, b.data.length);
        return new PcmSegment(out, ch, rate, width);
    }

    /** pydub {@code set_channels} for the direction a sync needs: mono duplicated into every channel. */
    PcmSegment withChannels(int ch) {
        if (ch == channels) return this;
        if (channels != 1) throw new F5jException("cannot convert " + channels + " channels to " + ch);
        int n = frames();
        int[] out = new int[n * ch];
        for (int i = 0; i < n; i++) Arrays.fill(out, i * ch, (i + 1) * ch, data[i]);
        return new PcmSegment(out, ch, frameRate, sampleWidth);
    }

    /** {@code audioop.ratecv} with weights (1, 0) and no state: linear interpolation between input frames. */
    PcmSegment withFrameRate(int rate) {
        if (rate == frameRate) return this;
        if (data.length == 0) return new PcmSegment(data, channels, rate, sampleWidth);
        int g = gcd(frameRate, rate);
        int inRate = frameRate / g, outRate = rate / g;
        int len = frames();
        int[] prev = new int[channels], cur = new int[channels];
        int[] out = new int[(int) (((len - 1L) / inRate + 1) * outRate * channels)];
        int o = 0, in = 0, d = -outRate;
        while (true) {
            while (d < 0) {
                if (len == 0) return new PcmSegment(Arrays.copyOf(out, o), channels, rate, sampleWidth);
                for (int c = 0; c < channels; c++) {
                    prev[c] = cur[c];
                    cur[c] = toSample32(data[in++]);
                }
                len--;
                d += outRate;
            }
            while (d >= 0) {
                for (int c = 0; c < channels; c++) {
                    int v = (int) (((double) prev[c] * d + (double) cur[c] * (outRate - d)) / outRate);
                    out[o++] = fromSample32(v);
                }
                d -= inRate;
            }
        }
    }

    /** {@code audioop.lin2lin}: through the 32-bit scale, shifting arithmetically. */
    PcmSegment withSampleWidth(int width) {
        if (width == sampleWidth) return this;
        int[] out = new int[data.length];
        for (int i = 0; i < data.length; i++) out[i] = scaleFrom32(toSample32(data[i]), width);
        return new PcmSegment(out, channels, frameRate, width);
    }

    private int toSample32(int v) {
        return switch (sampleWidth) {
            case 1 -> v << 24;
            case 2 -> v << 16;
            default -> v;
        };
    }

    private int fromSample32(int v) { return scaleFrom32(v, sampleWidth); }

    private static int scaleFrom32(int v, int width) {
        return switch (width) {
            case 1 -> v >> 24;
            case 2 -> v >> 16;
            default -> v;
        };
    }

    private static int gcd(int a, int b) {
        while (b > 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /**
     * The samples per channel as {@code torchaudio.load} gives them from this segment exported as a WAV
     * (integers over full scale: 2^15 for 16-bit, 2^31 for 32-bit, (x)/2^7 for 8-bit).
     */
    public float[][] toFloatChannels() {
        int n = frames();
        float[][] out = new float[channels][n];
        float scale = switch (sampleWidth) {
            case 1 -> 128f;
            case 2 -> 32768f;
            default -> 2147483648f;
        };
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++) out[c][i] = data[i * channels + c] / scale;
        return out;
    }

    /**
     * Reads a WAV file as pydub does: the RIFF chunks up to {@code data} (at most 10), integer PCM of 8,
     * 16, 24 or 32 bits (24-bit widened to 32 as pydub does, its padding byte as the low byte; 8-bit
     * unsigned made signed). 32-bit float WAVs, which pydub hands to ffmpeg as {@code pcm_s32le}, become
     * 32-bit integers the way ffmpeg converts them.
     */
    public static PcmSegment readWav(Path file) {
        WavFile.Parsed parsed = WavFile.open(file, 10);  // the one WAV header parser; pydub looks at 10 chunks
        ByteBuffer b = parsed.bytes();
        WavFile.Header h = parsed.header();
        boolean isFloat = h.isFloat();
        int bits = h.bits(), channels = h.channels(), rate = h.sampleRate();
        if (isFloat && bits != 32) throw new F5jException(file + ": unsupported WAV sample size: " + bits + "-bit float (a reference must be PCM or 32-bit float)");
        int bytesPer = bits / 8;
        int[] out = new int[h.frames() * channels];
        int p = h.dataOffset();
        for (int i = 0; i < out.length; i++, p += bytesPer) {
            out[i] = switch (bits) {
                case 8 -> (b.get(p) & 0xff) - 128;
                case 16 -> b.getShort(p);
                case 24 -> {
                    int s24 = (b.get(p) & 0xff) | (b.get(p + 1) & 0xff) << 8 | b.get(p + 2) << 16;
                    yield (s24 << 8) | (s24 < 0 ? 0xff : 0);
                }
                default -> isFloat ? floatToS32(b.getFloat(p)) : b.getInt(p);
            };
        }
        int width = bits == 24 ? 4 : bytesPer;
        return new PcmSegment(out, channels, rate, width);
    }

    /** ffmpeg's float → s32 conversion: round to nearest (ties to even) of x·2^31, clipped. */
    private static int floatToS32(float x) {
        double v = Math.rint((double) (x * 2147483648f));
        if (Double.isNaN(v)) return 0;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }
}
