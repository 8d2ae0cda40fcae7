package f5j.audio;

import f5j.numerics.SleefF;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Short-time Fourier transforms with {@code torch.stft} / {@code torch.istft} semantics (onesided,
 * not normalized). The FFTs run on the host, not as {@link f5j.compute.Kernels} (they are a small share
 * of the work and have no TornadoVM kernel): forward transforms of power-of-two sizes through
 * {@link PocketRfft} (float32, as torch), everything else through JTransforms in double precision.
 *
 * <p>Spectra are stored per frame as {@code nFft/2+1} complex bins: {@code re[frame][bin]},
 * {@code im[frame][bin]}, with the e^{-i...} sign convention of torch.fft.rfft.
 */
public final class Stft {
    private Stft() {}

    /**
     * {@code torch.hann_window(length)} (periodic) as torch's CPU kernels compute it in float32:
     * {@code 0.5 - 0.5 cos(n * (2 pi / length))} over {@code length + 1} points, with the vectorized
     * cosine ({@link SleefF#cos}) on whole blocks of 16 and a correctly rounded one on the rest.
     */
    public static float[] hannPeriodic(int length) {
        float[] w = new float[length];
        if (length == 1) {
            w[0] = 1f;
            return w;
        }
        float step = (float) (Math.PI * 2.0 / length);
        int vectorized = (length + 1) - (length + 1) % 16;
        for (int n = 0; n < length; n++) {
            float a = n * step;
            float c = n < vectorized ? SleefF.cos(a) : (float) Math.cos(a);
            w[n] = c * -0.5f + 0.5f;
        }
        return w;
    }

    /** A window of {@code winLength} zero-padded on both sides to {@code nFft}, as torch.stft does. */
    public static float[] padWindow(float[] window, int nFft) {
        if (window.length == nFft) return window;
        if (window.length > nFft) throw new IllegalArgumentException("win_length " + window.length + " > n_fft " + nFft);
        float[] w = new float[nFft];
        System.arraycopy(window, 0, w, (nFft - window.length) / 2, window.length);
        return w;
    }

    /** {@code F.pad(x, (left, right), mode="reflect")}: mirror without repeating the edge sample. */
    public static float[] reflectPad(float[] x, int left, int right) {
        int n = x.length;
        if (left >= n || right >= n) {
            throw new IllegalArgumentException("reflect padding of " + Math.max(left, right)
                    + " needs more than that many samples, got " + n);
        }
        float[] y = new float[n + left + right];
        for (int i = 0; i < left; i++) y[i] = x[left - i];
        System.arraycopy(x, 0, y, left, n);
        for (int i = 0; i < right; i++) y[left + n + i] = x[n - 2 - i];
        return y;
    }

    /** Frames of {@code torch.stft(x, nFft, hop, window=win, center=false)}: {@code 1 + (len - nFft) / hop}. */
    public static int frames(int len, int nFft, int hop) {
        return len < nFft ? 0 : 1 + (len - nFft) / hop;
    }

    /** A one-sided spectrogram: {@code [frames][nFft/2+1]} real and imaginary parts. */
    public record Spectrum(double[][] re, double[][] im) {
        public int frames() { return re.length; }
    }

    /**
     * {@code torch.stft(x, nFft, hop, window=window(nFft long), center=false, onesided=true)}; callers pad
     * first (center padding is {@code reflectPad(x, nFft/2, nFft/2)}).
     */
    public static Spectrum forward(float[] x, int nFft, int hop, float[] window) {
        int frames = frames(x.length, nFft, hop), bins = nFft / 2 + 1;
        double[][] re = new double[frames][bins], im = new double[frames][bins];
        if (PocketRfft.supports(nFft)) {
            // float32, operation for operation as torch's CPU FFT (see PocketRfft)
            PocketRfft fft = new PocketRfft(nFft);
            float[] buf = new float[nFft], scratch = new float[nFft];
            for (int f = 0; f < frames; f++) {
                int off = f * hop;
                for (int i = 0; i < nFft; i++) buf[i] = x[off + i] * window[i];
                fft.forward(buf, scratch);
                re[f][0] = buf[0];
                for (int k = 1; k < nFft / 2; k++) {
                    re[f][k] = buf[2 * k - 1];
                    im[f][k] = buf[2 * k];
                }
                re[f][nFft / 2] = buf[nFft - 1];
            }
            return new Spectrum(re, im);
        }
        DoubleFFT_1D fft = new DoubleFFT_1D(nFft);
        double[] buf = new double[nFft];
        for (int f = 0; f < frames; f++) {
            int off = f * hop;
            // torch multiplies frame and window in float32 before the transform
            for (int i = 0; i < nFft; i++) buf[i] = x[off + i] * window[i];
            fft.realForward(buf);
            unpack(buf, nFft, re[f], im[f]);
        }
        return new Spectrum(re, im);
    }

    /** JTransforms' packed real-FFT layout to separate re/im arrays (even and odd sizes). */
    private static void unpack(double[] a, int n, double[] re, double[] im) {
        re[0] = a[0];
        im[0] = 0;
        if (n % 2 == 0) {
            for (int k = 1; k < n / 2; k++) {
                re[k] = a[2 * k];
                im[k] = a[2 * k + 1];
            }
            re[n / 2] = a[1];
            im[n / 2] = 0;
        } else {
            for (int k = 1; k <= n / 2; k++) {
                re[k] = a[2 * k];
                im[k] = k == n / 2 ? a[1] : a[2 * k + 1];
            }
        }
    }

    /**
     * {@code torch.fft.irfft(spec, nFft)} of one frame (backward norm: 1/nFft). The imaginary parts of
     * the DC and Nyquist bins are ignored, as a complex-to-real transform does. {@code out} has nFft values.
     */
    public static void irfft(DoubleFFT_1D fft, double[] re, double[] im, int nFft, double[] out) {
        if (nFft % 2 != 0) throw new IllegalArgumentException("odd n_fft " + nFft + " is not supported by the ISTFT");
        out[0] = re[0];
        out[1] = re[nFft / 2];
        for (int k = 1; k < nFft / 2; k++) {
            out[2 * k] = re[k];
            out[2 * k + 1] = im[k];
        }
        fft.realInverse(out, true);
    }

    /**
     * Inverse STFT of {@code frames} one-sided spectra ({@code re}, {@code im}: frames x (nFft/2+1)):
     * irfft of each frame times the window, overlap-added with hop {@code hop}, divided by the overlap-added
     * squared window, then {@code trim} samples cut from each end. {@code torch.istft(center=True)} trims
     * {@code nFft/2} (output length {@code hop * (frames-1)}); Vocos' "same" padding trims
     * {@code (win - hop)/2}.
     */
    public static float[] istft(float[] re, float[] im, int frames, int nFft, int hop, float[] window, int trim) {
        int bins = nFft / 2 + 1;
        int full = nFft + hop * (frames - 1);
        int outLen = full - 2 * trim;
        if (frames <= 0 || outLen <= 0) throw new IllegalArgumentException("ISTFT of " + frames + " frames is empty");
        double[] y = new double[full], env = new double[full];
        DoubleFFT_1D fft = new DoubleFFT_1D(nFft);
        double[] fr = new double[bins], fi = new double[bins], buf = new double[nFft];
        for (int f = 0; f < frames; f++) {
            for (int k = 0; k < bins; k++) {
                fr[k] = re[f * bins + k];
                fi[k] = im[f * bins + k];
            }
            irfft(fft, fr, fi, nFft, buf);
            int off = f * hop;
            for (int i = 0; i < nFft; i++) {
                y[off + i] += (float) buf[i] * window[i];
                env[off + i] += window[i] * window[i];
            }
        }
        float[] out = new float[outLen];
        for (int i = 0; i < outLen; i++) {
            double e = env[trim + i];
            // torch.istft refuses windows that do not overlap-add to a nonzero envelope (NOLA)
            if (Math.abs(e) < 1e-11) throw new IllegalArgumentException("ISTFT window envelope is zero at " + i);
            out[i] = (float) (y[trim + i] / e);
        }
        return out;
    }
}
