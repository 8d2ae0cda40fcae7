package f5j.audio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import f5j.testing.FuzzTargets;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static f5j.audio.WavFileTest.chunk;
import static f5j.audio.WavFileTest.le;
import static f5j.audio.WavFileTest.pcm16;
import static f5j.audio.WavFileTest.riff;

/** Fuzz target for the WAV reader, both as vocode/audit read it and as the synth reference (pydub) reads it. */
class WavFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void wav(byte[] data) throws Throwable {
        FuzzTargets.expectCleanOutcome(() -> WavFile.decode(data, "fuzz.wav"));
        Path f = FuzzTargets.tempFile("fuzz.wav", data);
        try {
            FuzzTargets.expectCleanOutcome(() -> PcmSegment.readWav(f));
        } finally {
            FuzzTargets.delete(f);
        }
    }

    /** Seeds: each supported encoding and each hostile header of WavFileTest, small. */
    static Map<String, byte[]> seeds() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        byte[] ok = pcm16(2, 24000, 8);
        for (int i = 44; i < ok.length; i++) ok[i] = (byte) (i * 37);
        s.put("pcm16-stereo", ok);
        ByteBuffer fmt = le(40);
        fmt.putShort((short) 0xFFFE).putShort((short) 1).putInt(48000).putInt(48000 * 3).putShort((short) 3)
                .putShort((short) 24).putShort((short) 22).putShort((short) 24).putInt(4).putShort((short) 1).put(new byte[14]);
        s.put("extensible-24bit", riff(chunk("LIST", new byte[] {1, 2, 3}), chunk("fmt ", fmt.array()), chunk("data", new byte[] {0, 0, 0x40, 0, 0, (byte) 0x80})));
        ByteBuffer f64 = le(16);
        f64.putShort((short) 3).putShort((short) 1).putInt(8000).putInt(64000).putShort((short) 8).putShort((short) 64);
        s.put("float64-data-first", riff(chunk("data", le(16).putDouble(0.125).putDouble(-0.75).array()), chunk("fmt ", f64.array())));
        byte[] huge = pcm16(1, 24000, 4);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0x7FFFFFF0);
        s.put("fmt-0x7ffffff0", huge);
        byte[] many = pcm16(1, 24000, 4);
        ByteBuffer.wrap(many).order(ByteOrder.LITTLE_ENDIAN).putShort(22, (short) -1).putShort(32, (short) (65535 * 2));
        s.put("channels-65535", many);
        s.put("rate-1ghz", pcm16(1, 1_000_000_000, 4));
        byte[] stream = pcm16(1, 16000, 4);
        ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN).putInt(40, -1);
        s.put("data-size-streamed", stream);
        byte[] mp3 = new byte[32];
        System.arraycopy("ID3".getBytes(StandardCharsets.US_ASCII), 0, mp3, 0, 3);
        s.put("mp3", mp3);
        return s;
    }

    @Test
    void seedCorpusIsInStepWithItsGenerator() throws IOException {
        FuzzTargets.checkCorpus(WavFuzzTest.class, "wav", seeds());
    }
}
