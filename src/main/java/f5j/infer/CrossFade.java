package f5j.infer;

import java.util.List;

/**
 * Joins chunk waves as upstream {@code infer_batch_process} does: each next wave overlaps the end of the
 * joined one by {@code min(int(seconds·rate), both lengths)} samples with linear fades. numpy does this in
 * float64 (its linspace promotes the float32 waves), so do we; the result is rounded to float32 once.
 */
public final class CrossFade {
    private CrossFade() {}

    public static float[] join(List<float[]> waves, double seconds, int sampleRate) {
        Stream stream = new Stream(seconds, sampleRate);
        List<float[]> parts = new java.util.ArrayList<>(waves.size() + 1);
        for (float[] w : waves) parts.add(stream.add(w));
        parts.add(stream.finish());
        int total = 0;
        for (float[] p : parts) total += p.length;
        float[] r = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, r, at, p.length);
            at += p.length;
        }
        return r;
    }

    /**
     * The join, for waves that arrive one at a time (streaming): {@link #add} returns the joined samples
     * that no later wave can fade into any more, {@link #finish} the rest ({@link #join} is this stream fed
     * every wave at once). The held-back tail stays in float64 until it is final and is rounded once.
     */
    public static final class Stream {
        private final int fade;
        private double[] tail = new double[0]; // the last min(fade, length) joined samples, not yet returned
        private long length;

        public Stream(double seconds, int sampleRate) {
            this.fade = seconds <= 0 ? 0 : (int) (seconds * sampleRate);
        }

        public float[] add(float[] next) {
            int n = (int) Math.min(fade, Math.min(length, next.length));
            int keep = tail.length - n;
            double[] seq = new double[keep + next.length];
            System.arraycopy(tail, 0, seq, 0, keep);
            // np.linspace(a, b, n): i·step + a with step = (b-a)/(n-1), the last value exactly b (n > 1)
            double step = n > 1 ? 1.0 / (n - 1) : 0;
            for (int i = 0; i < n; i++) {
                boolean last = n > 1 && i == n - 1;
                double fadeIn = last ? 1.0 : i * step;
                double fadeOut = last ? 0.0 : i * -step + 1.0;
                seq[keep + i] = tail[keep + i] * fadeOut + next[i] * fadeIn;
            }
            for (int i = n; i < next.length; i++) seq[keep + i] = next[i];
            length += next.length - n;
            int hold = (int) Math.min(fade, length);
            float[] out = new float[seq.length - hold];
            for (int i = 0; i < out.length; i++) out[i] = (float) seq[i];
            tail = java.util.Arrays.copyOfRange(seq, out.length, seq.length);
            return out;
        }

        /** The samples held back for a fade that will not come. */
        public float[] finish() {
            float[] out = new float[tail.length];
            for (int i = 0; i < out.length; i++) out[i] = (float) tail[i];
            tail = new double[0];
            return out;
        }
    }
}
