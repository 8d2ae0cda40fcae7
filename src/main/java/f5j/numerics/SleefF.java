package f5j.numerics;

/**
 * Single-precision exp and cos as PyTorch's vectorised CPU kernels compute them (SLEEF's {@code expf_u10}
 * and {@code cosf_u1}, built with FMA for AVX2), reimplemented operation by operation. A correctly
 * rounded result differs from these by one ulp now and then; where such a value feeds a large argument
 * (the timestep embedding's frequencies times 1000) that ulp shows up as a 1e-5 error downstream, so the
 * model reproduces torch's own rounding. Allocation-free, java.lang.Math only (usable from kernels).
 */
public final class SleefF {
    private SleefF() {}

    private static final float R_LN2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;
    private static final float L2U = 0.693145751953125f, L2L = 1.428606765330187045e-06f;

    /** e^d (d in about [-104, 100]; outside, 0 and infinity as SLEEF returns them). */
    public static float exp(float d) {
        if (d < -104f) return 0f;
        if (d > 100f) return Float.POSITIVE_INFINITY;
        float qf = (float) Math.rint(d * R_LN2);
        int q = (int) qf;
        float s = Math.fma(qf, -L2U, d);
        s = Math.fma(qf, -L2L, s);
        float u = 0.000198527617612853646278381f;
        u = Math.fma(u, s, 0.00139304355252534151077271f);
        u = Math.fma(u, s, 0.00833336077630519866943359f);
        u = Math.fma(u, s, 0.0416664853692054748535156f);
        u = Math.fma(u, s, 0.166666671633720397949219f);
        u = Math.fma(u, s, 0.5f);
        u = 1f + Math.fma(s * s, u, s);
        // ldexp in two halves, as SLEEF does, so q near the exponent limits does not overflow early
        int q1 = q >> 1;
        return u * Math.scalb(1f, q1) * Math.scalb(1f, q - q1);
    }

    private static final float PI_A2 = 3.1414794921875f, PI_B2 = 0.00011315941810607910156f,
            PI_C2 = 1.9841872589410058936e-09f;
    private static final float ONE_OVER_PI = (float) (1 / Math.PI);

    /** cos(d) for |d| < 125 (SLEEF's fast range); NaN outside it. */
    public static float cos(float d) {
        if (!(Math.abs(d) < 125f)) return Float.NaN;
        // dq: the odd multiple of pi/2 nearest to d
        float dq = Math.fma((float) Math.rint(Math.fma(d, ONE_OVER_PI, -0.5f)), 2f, 1f);
        int q = (int) dq;
        // t = d - dq * pi/2 as a double-float (tx, ty), pi/2 split in three parts (two-sum each time)
        float y = dq * (-PI_A2 * 0.5f);
        float rx = d + y, v = rx - d;
        float ry = (d - (rx - v)) + (y - v);
        float tx = rx, ty = ry;
        y = dq * (-PI_B2 * 0.5f);
        rx = tx + y;
        v = rx - tx;
        ry = (tx - (rx - v)) + (y - v) + ty;
        tx = rx;
        ty = ry;
        y = dq * (-PI_C2 * 0.5f);
        rx = tx + y;
        v = rx - tx;
        ry = (tx - (rx - v)) + (y - v) + ty;
        tx = rx;
        ty = ry;
        // s = t^2 as a double-float
        float sx = tx * tx;
        float sy = Math.fma(tx + tx, ty, Math.fma(tx, tx, -sx));
        float u = 2.6083159809786593541503e-06f;
        u = Math.fma(u, sx, -0.0001981069071916863322258f);
        u = Math.fma(u, sx, 0.00833307858556509017944336f);
        // x = 1 + (-1/6 + u * s) * s as a double-float
        float c = -0.166666597127914428710938f, us = u * sx;
        float ax = c + us, ay = (c - ax) + us;
        float mx = ax * sx;
        float my = Math.fma(ax, sy, Math.fma(ay, sx, Math.fma(ax, sx, -mx)));
        float xx = 1f + mx, xy = ((1f - xx) + mx) + my;
        // cos(d) = -+ sin(t) = -+ t * x
        float r = Math.fma(tx, xx, Math.fma(ty, xx, tx * xy));
        return (q & 2) == 0 ? -r : r;
    }
}
