package f5j.infer;

import f5j.audio.PcmSegment;
import f5j.audio.Silence;

/**
 * Upstream {@code remove_silence_for_generated_wav} (infer_cli {@code --remove_silence}): the written 16-bit
 * WAV read back with pydub, split on silences of at least 1 s under −50 dBFS keeping 0.5 s each side (seek
 * step 10 ms), and the pieces appended to {@code AudioSegment.silent(0)}.
 */
public final class SilenceRemoval {
    private SilenceRemoval() {}

    public static float[] apply(float[] wave, int sampleRate) {
        int[] pcm = new int[wave.length];
        for (int i = 0; i < wave.length; i++) pcm[i] = pcm16(wave[i]);
        PcmSegment acc = PcmSegment.silent(0);
        for (PcmSegment piece : Silence.splitOnSilence(new PcmSegment(pcm, 1, sampleRate, 2), 1000, -50, 500, 10)) {
            acc = acc.append(piece);
        }
        return acc.frames() == 0 ? new float[0] : acc.toFloatChannels()[0];
    }

    /** The 16-bit value f5j's WAV writer stores: scaled by 2^15, rounded half to even, clipped. */
    static int pcm16(float v) {
        double q = Math.rint(v * 32768.0);
        return (int) Math.max(-32768, Math.min(32767, q));
    }
}
