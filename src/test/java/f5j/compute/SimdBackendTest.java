package f5j.compute;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each operation of the SIMD backend against the reference kernels on random data, with shapes that hit
 * the vector tails, partial register tiles and packing blocks. Tolerance: max|a-b| / max|b| within 1e-5
 * (only summation order and the vector exp/tanh/erf differ).
 */
class SimdBackendTest {
    private static final double TOL = 1e-5;
    private final Backend fast = Backend.cpu();
    private final Backend ref = Backend.reference();
    private final Random rnd = new Random(7);

    private float[] rand(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian() * scale;
        return a;
    }

    private static void assertClose(String what, float[] got, float[] want) {
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < want.length; i++) {
            assertThat(Float.isFinite(got[i])).as(what + " finite at " + i).isTrue();
            maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
            maxRef = Math.max(maxRef, Math.abs(want[i]));
        }
        assertThat(maxDiff / Math.max(maxRef, 1e-30)).as(what + " relative error").isLessThanOrEqualTo(TOL);
    }

    @Test
    void backendsAreNamed() {
        assertThat(fast.name()).isEqualTo("cpu");
        assertThat(ref.name()).isEqualTo("reference");
    }

    @Test
    void linearMatchesReference() {
        int[][] shapes = {{37, 300, 70}, {2000, 96, 100}, {3, 1024, 48}, {12, 17, 5}, {64, 513, 64}};
        for (int[] s : shapes) {
            int rows = s[0], in = s[1], out = s[2];
            float[] x = rand(rows * in, 1f), w = rand(out * in, 0.05f), b = rand(out, 1f);
            for (float[] bias : new float[][] {b, null}) {
                float[] a = new float[rows * out], r = new float[rows * out];
                fast.linear(x, rows, in, w, bias, out, a);
                ref.linear(x, rows, in, w, bias, out, r);
                assertClose("linear " + rows + "x" + in + "->" + out + (bias == null ? " no bias" : ""), a, r);
            }
        }
    }

    @Test
    void attentionMatchesReference() {
        for (boolean masked : new boolean[] {false, true}) {
            int batch = 2, len = 141, heads = 3, dh = 64, width = heads * dh;
            float[] q = rand(batch * len * width, 1f), k = rand(batch * len * width, 1f), v = rand(batch * len * width, 1f);
            float[] mask = null;
            if (masked) {
                mask = new float[batch * len];
                for (int i = 0; i < mask.length; i++) mask[i] = (i % len) < (i < len ? len : 77) ? 1f : 0f;
            }
            float[] a = new float[q.length], r = new float[q.length];
            fast.attention(q, k, v, batch, len, heads, dh, mask, a);
            ref.attention(q, k, v, batch, len, heads, dh, mask, r);
            assertClose("attention masked=" + masked, a, r);
        }
    }

    @Test
    void attentionWithEveryKeyMaskedGivesZeros() {
        int len = 20, heads = 1, dh = 32;
        float[] q = rand(len * dh, 1f), k = rand(len * dh, 1f), v = rand(len * dh, 1f);
        float[] a = new float[q.length], r = new float[q.length];
        fast.attention(q, k, v, 1, len, heads, dh, new float[len], a);
        ref.attention(q, k, v, 1, len, heads, dh, new float[len], r);
        assertThat(a).containsOnly(0f);
        assertThat(r).containsOnly(0f);
    }

    @Test
    void normsMatchReference() {
        for (int dim : new int[] {100, 1024, 7}) {
            int rows = 33;
            float[] x = rand(rows * dim, 3f), g = rand(dim, 1f), be = rand(dim, 1f);
            for (int i = 0; i < x.length; i++) x[i] += 2f; // a non-zero mean
            float[] a = new float[x.length], r = new float[x.length];
            fast.layerNorm(x, rows, dim, g, be, 1e-6f, a);
            ref.layerNorm(x, rows, dim, g, be, 1e-6f, r);
            assertClose("layerNorm affine dim " + dim, a, r);
            fast.layerNorm(x, rows, dim, null, null, 1e-6f, a);
            ref.layerNorm(x, rows, dim, null, null, 1e-6f, r);
            assertClose("layerNorm dim " + dim, a, r);
            fast.rmsNorm(x, rows, dim, g, 1e-6f, a);
            ref.rmsNorm(x, rows, dim, g, 1e-6f, r);
            assertClose("rmsNorm dim " + dim, a, r);
        }
    }

    @Test
    void elementwiseMatchesReference() {
        int n = 100_003; // above the parallel grain, with a vector tail
        float[] x = rand(n, 6f), x2 = rand(n, 1f);
        x[0] = 25f;
        x[1] = -25f;
        x[2] = 0f;
        float[] a = new float[n], r = new float[n];
        fast.silu(x, n, a); ref.silu(x, n, r); assertClose("silu", a, r);
        fast.mish(x, n, a); ref.mish(x, n, r); assertClose("mish", a, r);
        fast.geluErf(x, n, a); ref.geluErf(x, n, r); assertClose("geluErf", a, r);
        fast.geluTanh(x, n, a); ref.geluTanh(x, n, r); assertClose("geluTanh", a, r);
        fast.add(x, x2, n, a); ref.add(x, x2, n, r); assertClose("add", a, r);
        fast.mul(x, x2, n, a); ref.mul(x, x2, n, r); assertClose("mul", a, r);
    }

    @Test
    void conv1dMatchesReference() {
        // batch, len, cin, cout, k, groups, pad: grouped (ConvPositionEmbedding-like), dense (Vocos embed),
        // depthwise (ConvNeXt) with a channel tail, and a shape the SIMD kernel leaves to the reference
        int[][] shapes = {{2, 45, 128, 128, 31, 2, 15}, {1, 50, 10, 48, 7, 1, 3}, {2, 37, 40, 40, 7, 40, 3},
                {1, 9, 6, 20, 3, 2, 1}, {1, 3, 32, 32, 7, 1, 3}};
        for (int[] s : shapes) {
            int batch = s[0], len = s[1], cin = s[2], cout = s[3], k = s[4], groups = s[5], pad = s[6];
            float[] x = rand(batch * len * cin, 1f), w = rand(cout * cin / groups * k, 0.1f), b = rand(cout, 1f);
            float[] a = new float[batch * len * cout], r = new float[batch * len * cout];
            fast.conv1d(x, batch, len, cin, w, b, cout, k, groups, pad, a);
            ref.conv1d(x, batch, len, cin, w, b, cout, k, groups, pad, r);
            assertClose("conv1d " + java.util.Arrays.toString(s), a, r);
            fast.conv1d(x, batch, len, cin, w, null, cout, k, groups, pad, a);
            ref.conv1d(x, batch, len, cin, w, null, cout, k, groups, pad, r);
            assertClose("conv1d no bias " + java.util.Arrays.toString(s), a, r);
        }
    }

    @Test
    void rowOpsSplitAcrossThreadsMatchReference() {
        int batch = 2, len = 300, heads = 4, dh = 64, dim = heads * dh, rows = batch * len;
        float[] x = rand(rows * dim, 1f), y = rand(rows * dim, 1f), emb = rand(batch * 6 * dim, 1f);
        float[] a = new float[rows * dim], r = new float[rows * dim];
        fast.modulate(x, batch, len, dim, emb, 6 * dim, dim, 0, a);
        ref.modulate(x, batch, len, dim, emb, 6 * dim, dim, 0, r);
        assertClose("modulate", a, r);
        a = x.clone();
        r = x.clone();
        fast.gatedAdd(a, y, batch, len, dim, emb, 6 * dim, 2 * dim);
        ref.gatedAdd(r, y, batch, len, dim, emb, 6 * dim, 2 * dim);
        assertClose("gatedAdd", a, r);
        float[] cos = rand(len * dh / 2, 1f), sin = rand(len * dh / 2, 1f);
        a = x.clone();
        r = x.clone();
        fast.rotary(a, batch, len, heads, dh, 3, cos, sin);
        ref.rotary(r, batch, len, heads, dh, 3, cos, sin);
        assertClose("rotary", a, r);
        float[] keep = new float[rows];
        for (int i = 0; i < rows; i++) keep[i] = i % 3 == 0 ? 0f : 1f;
        a = x.clone();
        r = x.clone();
        fast.zeroRows(a, rows, dim, keep);
        ref.zeroRows(r, rows, dim, keep);
        assertClose("zeroRows", a, r);
        float[] ca = new float[rows * (2 * dim + 100)], cr = new float[ca.length], c = rand(rows * 100, 1f);
        fast.concatLast(x, dim, y, dim, false, c, 100, rows, ca);
        ref.concatLast(x, dim, y, dim, false, c, 100, rows, cr);
        assertClose("concatLast", ca, cr);
        float[] nxA = new float[batch * dim], nxR = new float[batch * dim], g = rand(dim, 1f), be = rand(dim, 1f);
        fast.grn(x, batch, len, dim, g, be, nxA, a);
        ref.grn(x, batch, len, dim, g, be, nxR, r);
        assertClose("grn", a, r);
    }
}
