package f5j.audio;

import f5j.util.AtomicFiles;
import net.sourceforge.javaflacencoder.FLACEncoder;
import net.sourceforge.javaflacencoder.FLACOutputStream;
import net.sourceforge.javaflacencoder.StreamConfiguration;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * 16-bit FLAC output (java-flac-encoder), with the samples f5j's 16-bit WAV would hold: scaled by 2^15,
 * rounded half to even, clipped. Encoded in memory, so the header gets its MD5 and sample count, then written
 * atomically.
 */
public final class FlacWriter {
    private FlacWriter() {}

    public static void write(Path file, Audio audio) {
        int ch = audio.channelCount(), n = audio.frames();
        int[] pcm = new int[n * ch];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < ch; c++) {
                float v = audio.channels()[c][i];
                pcm[i * ch + c] = Float.isNaN(v) ? 0 : (int) Math.max(-32768, Math.min(32767, Math.rint(v * 32768.0)));
            }
        }
        Memory mem = new Memory();
        try {
            FLACEncoder enc = new FLACEncoder();
            enc.setStreamConfiguration(new StreamConfiguration(ch, StreamConfiguration.MIN_BLOCK_SIZE, 4096,
                    audio.sampleRate(), 16));
            enc.setOutputStream(mem);
            enc.openFLACStream();
            enc.addSamples(pcm, n);
            enc.encodeSamples(n, true);
        } catch (IOException e) {
            throw new IllegalStateException("FLAC encoding in memory failed", e);
        }
        byte[] bytes = Arrays.copyOf(mem.buf, mem.size);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** A seekable in-memory stream: the encoder goes back to fill in the stream info at the end. */
    private static final class Memory implements FLACOutputStream {
        byte[] buf = new byte[1 << 16];
        int pos, size;

        @Override
        public long seek(long p) { pos = (int) p; return pos; }

        @Override
        public int write(byte[] b, int off, int len) {
            if (pos + len > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + len));
            System.arraycopy(b, off, buf, pos, len);
            pos += len;
            size = Math.max(size, pos);
            return len;
        }

        @Override
        public void write(byte b) { write(new byte[] {b}, 0, 1); }

        @Override
        public long size() { return size; }

        @Override
        public boolean canSeek() { return true; }

        @Override
        public long getPos() { return pos; }
    }
}
