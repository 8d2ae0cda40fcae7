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
        if (waves.isEmpty()) return new float[0];
        double[] acc = toDouble(waves.get(0));
        for (int w = 1; w < waves.size(); w++) {
            float[] next = waves.get(w);
            int n = seconds <= 0 ? 0 : Math.min((int) (seconds * sampleRate), Math.min(acc.length, next.length));
            double[] out = new double[acc.length + next.length - n];
            int keep = acc.length - n;
            System.arraycopy(acc, 0, out, 0, keep);
            // np.linspace(a, b, n): i·step + a with step = (b-a)/(n-1), the last value exactly b (n > 1)
            double step = n > 1 ? 1.0 / (n - 1) : 0;
            for (int i = 0; i < n; i++) {
                boolean last = n > 1 && i == n - 1;
                double fadeIn = last ? 1.0 : i * step;
                double fadeOut = last ? 0.0 : i * -step + 1.0;
                out[keep + i] = acc[keep + i] * fadeOut + next[i] * fadeIn;
            }
            for (int i = n; i < next.length; i++) out[keep + i] = next[i];
            acc = out;
        }
        float[] r = new float[acc.length];
        for (int i = 0; i < r.length; i++) r[i] = (float) acc[i];
        return r;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
