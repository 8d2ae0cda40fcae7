package f5j.audio;

/**
 * {@code torchaudio.functional.melscale_fbanks}: triangular filters on the HTK or Slaney mel scale,
 * optionally Slaney area-normalized. The arithmetic follows torchaudio's float32 tensor steps (linspace,
 * mel-to-Hz, slopes) so the weights match it to the last bit or two.
 */
public final class MelFilterbank {
    private MelFilterbank() {}

    /** Weights {@code [nFreqs][nMels]}. */
    public static float[][] create(int nFreqs, double fMin, double fMax, int nMels, int sampleRate, boolean slaneyNorm,
                                   boolean slaneyScale) {
        float[] allFreqs = linspace((float) (sampleRate / 2), 0f, nFreqs);
        double mMin = hzToMel(fMin, slaneyScale), mMax = hzToMel(fMax, slaneyScale);
        float[] mPts = linspace((float) mMax, (float) mMin, nMels + 2);
        float[] fPts = new float[nMels + 2];
        for (int i = 0; i < fPts.length; i++) fPts[i] = melToHz(mPts[i], slaneyScale);
        float[] fDiff = new float[nMels + 1];
        for (int i = 0; i < fDiff.length; i++) fDiff[i] = fPts[i + 1] - fPts[i];
        float[][] fb = new float[nFreqs][nMels];
        for (int f = 0; f < nFreqs; f++) {
            for (int m = 0; m < nMels; m++) {
                float down = (-1f * (fPts[m] - allFreqs[f])) / fDiff[m];
                float up = (fPts[m + 2] - allFreqs[f]) / fDiff[m + 1];
                fb[f][m] = Math.max(0f, Math.min(down, up));
            }
        }
        if (slaneyNorm) {
            for (int m = 0; m < nMels; m++) {
                float enorm = 2f / (fPts[m + 2] - fPts[m]);
                for (int f = 0; f < nFreqs; f++) fb[f][m] *= enorm;
            }
        }
        return fb;
    }

    /**
     * torch.linspace in float32 as its CPU kernel computes it (AVX2 build): the first half counts up from
     * start, the second half down from end; vectorized blocks of 8 (processed 16 at a time, the rest
     * one by one) get their first value with a fused multiply-add and the others by adding
     * {@code i * step} to it.
     */
    private static float[] linspace(float end, float start, int steps) {
        float[] out = new float[steps];
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (steps - 1);
        int half = steps / 2, vectorized = steps - steps % 16;
        for (int i = 0; i < steps; i++) {
            if (i < vectorized) {
                int c0 = i - i % 8;
                float base = c0 < half ? Math.fma(step, (float) c0, start) : Math.fma(-step, (float) (steps - c0 - 1), end);
                out[i] = base + (i - c0) * step;
            } else {
                out[i] = i < half ? Math.fma(step, (float) i, start) : Math.fma(-step, (float) (steps - i - 1), end);
            }
        }
        return out;
    }

    static double hzToMel(double freq, boolean slaney) {
        if (!slaney) return 2595.0 * Math.log10(1.0 + freq / 700.0);
        double fSp = 200.0 / 3;
        double minLogHz = 1000.0, minLogMel = minLogHz / fSp, logstep = Math.log(6.4) / 27.0;
        return freq >= minLogHz ? minLogMel + Math.log(freq / minLogHz) / logstep : freq / fSp;
    }

    static float melToHz(float mel, boolean slaney) {
        if (!slaney) {
            float p = (float) Math.pow(10.0, (float) (mel / 2595.0));
            return (float) (700.0 * (float) (p - 1.0));
        }
        double fSp = 200.0 / 3, minLogHz = 1000.0, minLogMel = minLogHz / fSp, logstep = Math.log(6.4) / 27.0;
        if (mel >= (float) minLogMel) {
            float e = (float) Math.exp((float) (logstep * (float) (mel - minLogMel)));
            return (float) (minLogHz * e);
        }
        return (float) (0.0 + (float) (fSp * mel));
    }
}
