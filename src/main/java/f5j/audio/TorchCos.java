package f5j.audio;

/**
 * The float32 cosine of torch's vectorized CPU kernel (AVX2 build: SLEEF's {@code cosf} with 1-ulp
 * accuracy, evaluated with fused multiply-adds), for arguments of magnitude below 125, the range where
 * it uses Cody-Waite reduction. {@code torch.hann_window} is built from it; a correctly rounded cosine
 * differs from it in the last bit of a few window values, which is enough to move the faint bands of
 * a float32 spectrogram by ~3e-5 relative after the log.
 */
final class TorchCos {
    private static final float PI_A2 = 3.1414794921875f, PI_B2 = 0.00011315941810607910156f,
            PI_C2 = 1.9841872589410058936e-09f;
    static final float RANGE = 125f;

    private TorchCos() {}

    /** SLEEF cosf_u1 (FMA variant) for |d| < 125; falls back to a correctly rounded cosine outside. */
    static float cos(float d) {
        if (!(Math.abs(d) < RANGE)) return (float) Math.cos(d);
        float dq = Math.fma((float) Math.rint(Math.fma(d, (float) (1 / Math.PI), -0.5f)), 2f, 1f);
        int q = (int) Math.rint(dq);
        // s = d - dq * pi/2 as an unevaluated float pair (sx + sy)
        float[] s = add2(d, 0f, dq * (-PI_A2 * 0.5f));
        s = add2(s[0], s[1], dq * (-PI_B2 * 0.5f));
        s = add2(s[0], s[1], dq * (-PI_C2 * 0.5f));
        float tx = s[0], ty = s[1];
        // s^2
        float sx = tx * tx;
        float sy = Math.fma(tx + tx, ty, Math.fma(tx, tx, -sx));
        float u = 2.6083159809786593541503e-06f;
        u = Math.fma(u, sx, -0.0001981069071916863322258f);
        u = Math.fma(u, sx, 0.00833307858556509017944336f);
        // a = -1/6 + u * s.x (pair), then a * s (pair), then 1 + that (pair)
        float v = u * sx, c = -0.166666597127914428710938f;
        float ax = c + v, ay = (c - ax) + v;
        float mx = ax * sx;
        float my = Math.fma(ax, sy, Math.fma(ay, sx, Math.fma(ax, sx, -mx)));
        float xx = 1f + mx, xy = ((1f - xx) + mx) + my;
        // t * x (single float result)
        float r = Math.fma(tx, xx, Math.fma(ty, xx, tx * xy));
        return (q & 2) == 0 ? -r : r;
    }

    /** dfadd2 of (xx + xy) and y: the rounded sum and its error, plus xy. */
    private static float[] add2(float xx, float xy, float y) {
        float rx = xx + y;
        float v = rx - xx;
        float ry = (xx - (rx - v)) + (y - v);
        return new float[] {rx, ry + xy};
    }
}
