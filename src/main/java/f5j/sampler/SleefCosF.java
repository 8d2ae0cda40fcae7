package f5j.sampler;

/**
 * Single-precision cosine as PyTorch's vectorised CPU {@code torch.cos} computes it (SLEEF's 1-ulp
 * {@code cosf_u1} with FMA, as built for AVX2), reimplemented step by step for |x| < 125 — enough for the
 * sway-sampling time grid, whose arguments lie in [0, pi/2]. Reproducing it (rather than a correctly
 * rounded cosine) makes the time grid bit-equal to upstream's.
 */
final class SleefCosF {
    private SleefCosF() {}

    private static final float PI_A2 = 3.1414794921875f, PI_B2 = 0.00011315941810607910156f,
            PI_C2 = 1.9841872589410058936e-09f;
    private static final float ONE_OVER_PI = (float) (1 / Math.PI);

    static float cos(float d) {
        if (!(Math.abs(d) < 125f)) throw new IllegalArgumentException("cos argument out of the supported range: " + d);
        // dq = 2 * rint(d / pi - 0.5) + 1: the odd multiple of pi/2 nearest to d
        float dq = Math.fma((float) Math.rint(Math.fma(d, ONE_OVER_PI, -0.5f)), 2f, 1f);
        int q = (int) dq;
        // d - dq * pi/2 in double-float (hi, lo), pi/2 split in three parts
        float[] s = add2(d, dq * (-PI_A2 * 0.5f));
        s = add2(s[0], s[1], dq * (-PI_B2 * 0.5f));
        s = add2(s[0], s[1], dq * (-PI_C2 * 0.5f));
        float tx = s[0], ty = s[1];
        // s = t^2 in double-float
        float sx = tx * tx;
        float sy = Math.fma(tx + tx, ty, Math.fma(tx, tx, -sx));
        float u = 2.6083159809786593541503e-06f;
        u = Math.fma(u, sx, -0.0001981069071916863322258f);
        u = Math.fma(u, sx, 0.00833307858556509017944336f);
        // x = 1 + (-1/6 + u * s) * s, double-float
        float c = -0.166666597127914428710938f, us = u * sx;
        float ax = c + us, ay = (c - ax) + us;
        float mx = ax * sx;
        float my = Math.fma(ax, sy, Math.fma(ay, sx, Math.fma(ax, sx, -mx)));
        float xx = 1f + mx, xy = ((1f - xx) + mx) + my;
        // sin(t) = t * x (the cosine of d is +-sin of the reduced argument)
        float r = Math.fma(tx, xx, Math.fma(ty, xx, tx * xy));
        return (q & 2) == 0 ? -r : r;
    }

    /** Two-sum of floats: hi = x + y and the rounding error lo. */
    private static float[] add2(float x, float y) {
        float rx = x + y, v = rx - x;
        return new float[] {rx, (x - (rx - v)) + (y - v)};
    }

    /** Adds a float to a double-float (xh, xl). */
    private static float[] add2(float xh, float xl, float y) {
        float rx = xh + y, v = rx - xh;
        float ry = (xh - (rx - v)) + (y - v);
        return new float[] {rx, ry + xl};
    }
}
