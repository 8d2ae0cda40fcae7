package f5j.audio;

/**
 * Band-limited resampling equal to {@code torchaudio.transforms.Resample(orig, new)} with its defaults
 * (Hann-windowed sinc, lowpass_filter_width 6, rolloff 0.99).
 *
 * <p>The rates are reduced by their gcd to {@code orig'} and {@code new'}; output sample {@code j} of each
 * group of {@code new'} is a dot product of one of {@code new'} filters with the input, the group advancing
 * {@code orig'} input samples (a strided conv1d). The filters are built in double precision and rounded to
 * float32, as the transform builds them (the function form builds them in float32 instead).
 */
public final class Resampler {
    public static final int LOWPASS_FILTER_WIDTH = 6;
    public static final double ROLLOFF = 0.99;

    /** Above this many filter taps in all (rates with a tiny gcd), filters are built per output sample. */
    private static final long MAX_TABLE = 1L << 24;

    private final int orig, target, width;
    private final double baseFreq;
    private final float[][] kernels; // target x (2*width + orig), or null when built on the fly

    public Resampler(int origRate, int targetRate) {
        if (origRate <= 0 || targetRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + origRate + " -> " + targetRate);
        }
        int g = gcd(origRate, targetRate);
        this.orig = origRate / g;
        this.target = targetRate / g;
        this.baseFreq = Math.min(orig, target) * ROLLOFF;
        this.width = (int) Math.ceil(LOWPASS_FILTER_WIDTH * orig / baseFreq);
        int taps = 2 * width + orig;
        if ((long) target * taps > MAX_TABLE) {
            kernels = null;
            return;
        }
        kernels = new float[target][taps];
        for (int i = 0; i < target; i++) {
            for (int k = 0; k < taps; k++) kernels[i][k] = tap(i, k);
        }
    }

    /** Filter {@code phase}, tap {@code k} (input offset {@code k - width}), as upstream computes it. */
    private float tap(int phase, int k) {
        // upstream's phase offset comes from a float32 arange divided in float32
        double t = ((float) -phase / (float) target + (double) (k - width) / orig) * baseFreq;
        t = Math.max(-LOWPASS_FILTER_WIDTH, Math.min(LOWPASS_FILTER_WIDTH, t));
        double c = Math.cos(t * Math.PI / LOWPASS_FILTER_WIDTH / 2);
        double window = c * c;
        t *= Math.PI;
        double sinc = t == 0 ? 1.0 : Math.sin(t) / t;
        return (float) (sinc * (window * (baseFreq / orig)));
    }

    /** Resamples one channel; returns {@code x} itself when the rates are equal. */
    public static float[] resample(float[] x, int origRate, int targetRate) {
        if (origRate == targetRate) return x;
        return new Resampler(origRate, targetRate).apply(x);
    }

    /** Output length: {@code ceil(target' * len / orig')}. */
    public float[] apply(float[] x) {
        int len = x.length;
        int outLen = (int) Math.ceil((double) target * len / orig);
        float[] y = new float[outLen];
        int taps = 2 * width + orig;
        for (int j = 0; j < outLen; j++) {
            int group = j / target, phase = j % target;
            // input index of tap 0 in the signal zero-padded by `width` on the left
            int start = group * orig - width;
            float acc = 0f;
            int lo = Math.max(0, -start), hi = Math.min(taps, len - start);
            if (kernels != null) {
                float[] k = kernels[phase];
                for (int m = lo; m < hi; m++) acc += x[start + m] * k[m];
            } else {
                // only taps inside the lowpass width: outside it the window is cos^2(pi/2) ~ 4e-33
                int centre = width + (int) Math.floor((double) phase * orig / target);
                int half = (int) Math.ceil(LOWPASS_FILTER_WIDTH * orig / baseFreq) + 1;
                for (int m = Math.max(lo, centre - half); m < Math.min(hi, centre + half + 1); m++) {
                    acc += x[start + m] * tap(phase, m);
                }
            }
            y[j] = acc;
        }
        return y;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
