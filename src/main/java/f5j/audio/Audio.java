package f5j.audio;

/**
 * Decoded audio: one float array per channel (values as {@code torchaudio.load} returns them, nominally in
 * [-1, 1)) and the sample rate in Hz.
 */
public record Audio(float[][] channels, int sampleRate) {
    public int channelCount() { return channels.length; }

    public int frames() { return channels.length == 0 ? 0 : channels[0].length; }

    /** The mean over channels, as upstream's {@code audio.mean(dim=0)}; the channel itself when mono. */
    public float[] mono() {
        if (channels.length == 1) return channels[0];
        int n = frames(), c = channels.length;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float s = 0f;
            for (float[] ch : channels) s += ch[i];
            out[i] = s / c;
        }
        return out;
    }
}
