package f5j.numerics;

/**
 * The single-precision Cephes log and sin/cos polynomials as PyTorch's avx_mathfun.h evaluates them
 * (one IEEE float operation at a time, in the same order), so that f5j.sampler.TorchRandom reproduces the
 * AVX2 normal kernel exactly. Constants are double literals rounded to float, as in the C header.
 * PyTorch builds that file with FMA enabled and GCC contracts a multiply whose only use is an add into
 * one fused multiply-add (the first such multiply in program order), so those steps use
 * {@link Math#fma}: that is what makes the results bit-equal to torch.randn.
 */
public final class CephesF {
    private CephesF() {}

    private static final float SQRTHF = (float) 0.707106781186547524;
    private static final float LOG_P0 = (float) 7.0376836292E-2, LOG_P1 = (float) -1.1514610310E-1,
            LOG_P2 = (float) 1.1676998740E-1, LOG_P3 = (float) -1.2420140846E-1, LOG_P4 = (float) 1.4249322787E-1,
            LOG_P5 = (float) -1.6668057665E-1, LOG_P6 = (float) 2.0000714765E-1, LOG_P7 = (float) -2.4999993993E-1,
            LOG_P8 = (float) 3.3333331174E-1, LOG_Q1 = (float) -2.12194440e-4, LOG_Q2 = (float) 0.693359375;

    private static final float DP1 = (float) -0.78515625, DP2 = (float) -2.4187564849853515625e-4,
            DP3 = (float) -3.77489497744594108e-8;
    private static final float SIN_P0 = (float) -1.9515295891E-4, SIN_P1 = (float) 8.3321608736E-3,
            SIN_P2 = (float) -1.6666654611E-1;
    private static final float COS_P0 = (float) 2.443315711809948E-005, COS_P1 = (float) -1.388731625493765E-003,
            COS_P2 = (float) 4.166664568298827E-002;
    private static final float FOPI = (float) 1.27323954473516;

    /** Natural log for x in (0, 1] (NaN for x <= 0, like the vector code). */
    public static float log(float x) {
        if (x <= 0f) return Float.NaN;
        x = Math.max(x, Float.MIN_NORMAL);
        int bits = Float.floatToRawIntBits(x);
        int exp = (bits >>> 23) - 0x7f;
        x = Float.intBitsToFloat((bits & ~0x7f800000) | Float.floatToRawIntBits(0.5f));
        float e = (float) exp + 1f;
        float tmp = 0f;
        if (x < SQRTHF) {
            tmp = x;
            e = e - 1f;
        }
        x = x - 1f;
        x = x + tmp;
        float z = x * x;
        float y = LOG_P0;
        y = Math.fma(y, x, LOG_P1);
        y = Math.fma(y, x, LOG_P2);
        y = Math.fma(y, x, LOG_P3);
        y = Math.fma(y, x, LOG_P4);
        y = Math.fma(y, x, LOG_P5);
        y = Math.fma(y, x, LOG_P6);
        y = Math.fma(y, x, LOG_P7);
        y = Math.fma(y, x, LOG_P8);
        y = y * x;
        y = Math.fma(y, z, e * LOG_Q1);
        y = Math.fma(-z, 0.5f, y);
        x = x + y;
        return Math.fma(e, LOG_Q2, x);
    }

    public static float sin(float x) { return sincos(x, true); }

    public static float cos(float x) { return sincos(x, false); }

    private static float sincos(float xin, boolean wantSin) {
        boolean negative = xin < 0f || (xin == 0f && 1f / xin < 0f);
        float x = Math.abs(xin);
        int j = (int) (x * FOPI);
        j = (j + 1) & ~1;
        float y = (float) j;
        boolean sinNeg = ((j & 4) != 0) ^ negative;
        boolean swap = (j & 2) != 0; // octants where the cosine polynomial gives the sine and vice versa
        boolean cosNeg = (~(j - 2) & 4) != 0;
        x = Math.fma(y, DP1, x);
        x = Math.fma(y, DP2, x);
        x = Math.fma(y, DP3, x);
        float z = x * x;
        float c = COS_P0;
        c = Math.fma(c, z, COS_P1);
        c = Math.fma(c, z, COS_P2);
        c = c * z;
        c = Math.fma(c, z, -(z * 0.5f));
        c = c + 1f;
        float s = SIN_P0;
        s = Math.fma(s, z, SIN_P1);
        s = Math.fma(s, z, SIN_P2);
        s = s * z;
        s = Math.fma(s, x, x);
        if (wantSin) {
            float r = swap ? c : s;
            return sinNeg ? -r : r;
        }
        float r = swap ? s : c;
        return cosNeg ? -r : r;
    }
}
