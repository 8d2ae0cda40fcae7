package f5j.audio;

/**
 * A float32 real FFT that performs the same operations in the same order as pocketfft's FFTPACK-style
 * {@code rfftp::forward} (radix-4 and radix-2 passes), the CPU FFT behind {@code torch.stft} in the
 * PyTorch build that made the goldens. A float32 FFT of 1024 points carries rounding noise of about
 * 1e-7 of the frame's energy; in the faint high mel bands that noise is a visible share of the value,
 * so after the log a double-precision FFT differs from torch by up to ~1e-4 relative. Repeating
 * pocketfft's arithmetic removes that difference.
 *
 * <p>Only lengths {@code 2^k} are supported ({@link #supports}); {@link Stft} uses JTransforms in double
 * precision for the others. Output is FFTPACK's packed order: {@code r0, r1, i1, r2, i2, ..., r(n/2)}.
 */
final class PocketRfft {
    private static final float HSQT2 = 0.70710678118654752440f;

    private final int n;
    private final int[] factors;
    private final float[][] twiddles; // per factor: (ip-1) x (ido-1) interleaved cos/sin

    static boolean supports(int n) { return n >= 2 && Integer.bitCount(n) == 1; }

    PocketRfft(int n) {
        if (!supports(n)) throw new IllegalArgumentException("PocketRfft needs a power of two, got " + n);
        this.n = n;
        int len = n, fours = 0;
        while (len % 4 == 0) {
            fours++;
            len >>= 2;
        }
        boolean two = len == 2;
        // pocketfft lists the factors 4, 4, ..., then moves a factor 2 to the front
        factors = new int[fours + (two ? 1 : 0)];
        java.util.Arrays.fill(factors, 4);
        if (two) factors[0] = 2;
        twiddles = new float[factors.length][];
        int l1 = 1;
        for (int k = 0; k < factors.length; k++) {
            int ip = factors[k], ido = n / (l1 * ip);
            if (k < factors.length - 1) {
                float[] tw = new float[(ip - 1) * (ido - 1)];
                for (int j = 1; j < ip; j++) {
                    for (int i = 1; i <= (ido - 1) / 2; i++) {
                        double a = 2 * Math.PI * ((long) j * l1 * i) / n;
                        tw[(j - 1) * (ido - 1) + 2 * i - 2] = (float) Math.cos(a);
                        tw[(j - 1) * (ido - 1) + 2 * i - 1] = (float) Math.sin(a);
                    }
                }
                twiddles[k] = tw;
            }
            l1 *= ip;
        }
    }

    /** Transforms {@code c} (n values) in place into the packed spectrum; {@code scratch} has n values. */
    void forward(float[] c, float[] scratch) {
        float[] p1 = c, p2 = scratch;
        int l1 = n;
        for (int k1 = 0; k1 < factors.length; k1++) {
            int k = factors.length - k1 - 1, ip = factors[k];
            int ido = n / l1;
            l1 /= ip;
            if (ip == 4) radf4(ido, l1, p1, p2, twiddles[k]);
            else radf2(ido, l1, p1, p2, twiddles[k]);
            float[] t = p1;
            p1 = p2;
            p2 = t;
        }
        if (p1 != c) System.arraycopy(p1, 0, c, 0, n);
    }

    private static void radf2(int ido, int l1, float[] cc, float[] ch, float[] wa) {
        final int cdim = 2;
        for (int k = 0; k < l1; k++) {
            float a = cc[ido * k], b = cc[ido * (k + l1)];
            ch[ido * (cdim * k)] = a + b;
            ch[ido - 1 + ido * (1 + cdim * k)] = a - b;
        }
        if ((ido & 1) == 0) {
            for (int k = 0; k < l1; k++) {
                ch[ido * (1 + cdim * k)] = -cc[ido - 1 + ido * (k + l1)];
                ch[ido - 1 + ido * (cdim * k)] = cc[ido - 1 + ido * k];
            }
        }
        if (ido <= 2) return;
        for (int k = 0; k < l1; k++) {
            for (int i = 2; i < ido; i += 2) {
                int ic = ido - i;
                float wr = wa[i - 2], wi = wa[i - 1];
                float cr = cc[i - 1 + ido * (k + l1)], ci = cc[i + ido * (k + l1)];
                float tr2 = wr * cr + wi * ci, ti2 = wr * ci - wi * cr;
                float c0r = cc[i - 1 + ido * k], c0i = cc[i + ido * k];
                ch[i - 1 + ido * (cdim * k)] = c0r + tr2;
                ch[ic - 1 + ido * (1 + cdim * k)] = c0r - tr2;
                ch[i + ido * (cdim * k)] = ti2 + c0i;
                ch[ic + ido * (1 + cdim * k)] = ti2 - c0i;
            }
        }
    }

    private static void radf4(int ido, int l1, float[] cc, float[] ch, float[] wa) {
        final int cdim = 4;
        // CC(a, k, c) = cc[a + ido*(k + l1*c)], CH(a, b, k) = ch[a + ido*(b + cdim*k)]
        for (int k = 0; k < l1; k++) {
            float c0 = cc[ido * k], c1 = cc[ido * (k + l1)], c2 = cc[ido * (k + 2 * l1)], c3 = cc[ido * (k + 3 * l1)];
            float tr1 = c3 + c1;
            ch[ido * (2 + cdim * k)] = c3 - c1;
            float tr2 = c0 + c2;
            ch[ido - 1 + ido * (1 + cdim * k)] = c0 - c2;
            ch[ido * (cdim * k)] = tr2 + tr1;
            ch[ido - 1 + ido * (3 + cdim * k)] = tr2 - tr1;
        }
        if ((ido & 1) == 0) {
            for (int k = 0; k < l1; k++) {
                int a = ido - 1;
                float c0 = cc[a + ido * k], c1 = cc[a + ido * (k + l1)], c2 = cc[a + ido * (k + 2 * l1)],
                        c3 = cc[a + ido * (k + 3 * l1)];
                float ti1 = -HSQT2 * (c1 + c3);
                float tr1 = HSQT2 * (c1 - c3);
                ch[a + ido * (cdim * k)] = c0 + tr1;
                ch[a + ido * (2 + cdim * k)] = c0 - tr1;
                ch[ido * (3 + cdim * k)] = ti1 + c2;
                ch[ido * (1 + cdim * k)] = ti1 - c2;
            }
        }
        if (ido <= 2) return;
        int s = ido - 1;
        for (int k = 0; k < l1; k++) {
            for (int i = 2; i < ido; i += 2) {
                int ic = ido - i;
                float a1r = cc[i - 1 + ido * (k + l1)], a1i = cc[i + ido * (k + l1)];
                float a2r = cc[i - 1 + ido * (k + 2 * l1)], a2i = cc[i + ido * (k + 2 * l1)];
                float a3r = cc[i - 1 + ido * (k + 3 * l1)], a3i = cc[i + ido * (k + 3 * l1)];
                float w1r = wa[i - 2], w1i = wa[i - 1], w2r = wa[i - 2 + s], w2i = wa[i - 1 + s];
                float w3r = wa[i - 2 + 2 * s], w3i = wa[i - 1 + 2 * s];
                // (cr + i ci) = conj(w) * a
                float cr2 = w1r * a1r + w1i * a1i, ci2 = w1r * a1i - w1i * a1r;
                float cr3 = w2r * a2r + w2i * a2i, ci3 = w2r * a2i - w2i * a2r;
                float cr4 = w3r * a3r + w3i * a3i, ci4 = w3r * a3i - w3i * a3r;
                float tr1 = cr4 + cr2, tr4 = cr4 - cr2;
                float ti1 = ci2 + ci4, ti4 = ci2 - ci4;
                float c0r = cc[i - 1 + ido * k], c0i = cc[i + ido * k];
                float tr2 = c0r + cr3, tr3 = c0r - cr3;
                float ti2 = c0i + ci3, ti3 = c0i - ci3;
                ch[i - 1 + ido * (cdim * k)] = tr2 + tr1;
                ch[ic - 1 + ido * (3 + cdim * k)] = tr2 - tr1;
                ch[i + ido * (cdim * k)] = ti1 + ti2;
                ch[ic + ido * (3 + cdim * k)] = ti1 - ti2;
                ch[i - 1 + ido * (2 + cdim * k)] = tr3 + ti4;
                ch[ic - 1 + ido * (1 + cdim * k)] = tr3 - ti4;
                ch[i + ido * (2 + cdim * k)] = tr4 + ti3;
                ch[ic + ido * (1 + cdim * k)] = tr4 - ti3;
            }
        }
    }
}
