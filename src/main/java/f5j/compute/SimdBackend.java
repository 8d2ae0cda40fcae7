package f5j.compute;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * The default host backend ("cpu"): {@link SimdKernels} (Vector API) split over all cores by
 * {@link Parallel}. Operations without a SIMD kernel, or shapes the SIMD kernels do not cover, run the
 * reference kernels of {@link CpuBackend} (split over cores where they have a parallel range).
 * Scratch buffers are per thread and reused, so steady-state calls allocate nothing but task objects.
 */
public final class SimdBackend extends CpuBackend {
    static final SimdBackend INSTANCE = new SimdBackend();

    /** Below this many rows a linear is memory-bound: read the weight in place instead of packing it. */
    private static final int FEW_ROWS = 16;
    /** Elements per chunk below which an elementwise op stays on the calling thread. */
    private static final int ELEMENTWISE_GRAIN = 1 << 15;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);
    /** Packed conv weights, keyed by the weight array's identity (conv weights are small). */
    private final Map<float[], float[]> packedConv = new WeakHashMap<>();

    /** Per-group slices of grouped conv weights (PyTorch cout x cinG x k: each group's rows are contiguous). */
    private final Map<float[], float[][]> convGroups = new WeakHashMap<>();
    /** im2col and GEMM output buffers of the grouped conv, reused (backend calls come from one thread). */
    private final float[][] convBuffers = new float[2][0];

    private SimdBackend() {}

    private float[][] groupWeights(float[] w, int groups, int per) {
        synchronized (convGroups) {
            return convGroups.computeIfAbsent(w, key -> {
                float[][] out = new float[groups][];
                for (int g = 0; g < groups; g++) out[g] = java.util.Arrays.copyOfRange(w, g * per, (g + 1) * per);
                return out;
            });
        }
    }

    private synchronized float[] buffer(int i, int n) {
        if (convBuffers[i].length < n) convBuffers[i] = new float[n];
        return convBuffers[i];
    }

    @Override public String name() { return "cpu"; }

    private static float[] scratch(int n) {
        float[][] s = SCRATCH.get();
        if (s[0].length < n) s[0] = new float[n];
        return s[0];
    }

    @Override
    public void linear(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
        boolean hasBias = b != null;
        if (rows < FEW_ROWS) {
            Parallel.forRange(out, 1, Math.max(1, 4096 / Math.max(1, rows)), (f, t, k) ->
                    SimdKernels.linearFewRows(x, rows, in, w, b, hasBias, out, y, f, t));
            return;
        }
        Parallel.forRange(out, SimdKernels.NR, SimdKernels.NR, (f, t, k) ->
                SimdKernels.linear(x, rows, in, w, b, hasBias, out, y, f, t, scratch(SimdKernels.linearScratch(t - f))));
    }

    @Override
    public void layerNorm(float[] x, int rows, int dim, float[] gamma, float[] beta, float eps, float[] y) {
        Parallel.forRange(rows, 1, Math.max(1, ELEMENTWISE_GRAIN / dim), (f, t, k) ->
                SimdKernels.layerNorm(x, dim, gamma, beta, gamma != null, eps, y, f, t));
    }

    @Override
    public void rmsNorm(float[] x, int rows, int dim, float[] gamma, float eps, float[] y) {
        Parallel.forRange(rows, 1, Math.max(1, ELEMENTWISE_GRAIN / dim), (f, t, k) ->
                SimdKernels.rmsNorm(x, dim, gamma, eps, y, f, t));
    }

    @Override
    public void silu(float[] x, int n, float[] y) {
        Parallel.forRange(n, SimdKernels.L, ELEMENTWISE_GRAIN, (f, t, k) -> SimdKernels.silu(x, y, f, t));
    }

    @Override
    public void mish(float[] x, int n, float[] y) {
        Parallel.forRange(n, SimdKernels.L, ELEMENTWISE_GRAIN, (f, t, k) -> SimdKernels.mish(x, y, f, t));
    }

    @Override
    public void geluErf(float[] x, int n, float[] y) {
        Parallel.forRange(n, SimdKernels.L, ELEMENTWISE_GRAIN, (f, t, k) -> SimdKernels.geluErf(x, y, f, t));
    }

    @Override
    public void geluTanh(float[] x, int n, float[] y) {
        Parallel.forRange(n, SimdKernels.L, ELEMENTWISE_GRAIN, (f, t, k) -> SimdKernels.geluTanh(x, y, f, t));
    }

    @Override
    public void add(float[] a, float[] b, int n, float[] y) {
        Parallel.forRange(n, SimdKernels.L, ELEMENTWISE_GRAIN, (f, t, k) -> SimdKernels.add(a, b, y, f, t));
    }

    @Override
    public void mul(float[] a, float[] b, int n, float[] y) {
        Parallel.forRange(n, SimdKernels.L, ELEMENTWISE_GRAIN, (f, t, k) -> SimdKernels.mul(a, b, y, f, t));
    }

    @Override
    public void conv1d(float[] x, int batch, int len, int cin, float[] w, float[] b, int cout, int k, int groups,
                       int pad, float[] y) {
        boolean hasBias = b != null;
        int positions = batch * len;
        int cinG = cin / groups, coutG = cout / groups;
        if (groups == cin && groups == cout) {
            float[] wp = packed(w, () -> {
                float[] p = new float[w.length];
                SimdKernels.packDepthwise(w, cout, k, p);
                return p;
            });
            Parallel.forRange(positions, 1, Math.max(1, ELEMENTWISE_GRAIN / Math.max(1, cout * k)), (f, t, i) ->
                    SimdKernels.depthwiseConv1d(x, len, cout, wp, b, hasBias, k, pad, y, f, t));
        } else if (positions >= FEW_ROWS && cinG * k >= 64) {
            // grouped conv as one GEMM per group over unfolded inputs (im2col): the linear kernel's packed
            // tiles reuse each weight far more than a direct convolution tile can
            int kc = cinG * k;
            float[][] wg = groupWeights(w, groups, coutG * kc);
            float[] col = buffer(0, positions * kc), tmp = buffer(1, positions * coutG);
            for (int g = 0; g < groups; g++) {
                int grp = g;
                Parallel.forRange(positions, 1, Math.max(1, ELEMENTWISE_GRAIN / kc), (f, t, i) ->
                        SimdKernels.im2col(x, len, cin, cinG, grp, k, pad, col, f, t));
                linear(col, positions, kc, wg[g], null, coutG, tmp);
                Parallel.forRange(positions, 1, Math.max(1, ELEMENTWISE_GRAIN / coutG), (f, t, i) ->
                        SimdKernels.scatterGroup(tmp, coutG, b, hasBias, grp, cout, y, f, t));
            }
        } else if (coutG % SimdKernels.L == 0) {
            float[] wp = packed(w, () -> {
                float[] p = new float[w.length];
                SimdKernels.packConv(w, cout, cinG, k, groups, p);
                return p;
            });
            Parallel.forRange(positions, 4, 4, (f, t, i) ->
                    SimdKernels.conv1d(x, len, cin, wp, b, hasBias, cout, k, groups, pad, y, f, t));
        } else {
            Parallel.forRange(positions, 1, 1, (f, t, i) ->
                    Kernels.conv1d(x, len, cin, w, b, hasBias, cout, k, groups, pad, y, f, t));
        }
    }

    private float[] packed(float[] w, java.util.function.Supplier<float[]> pack) {
        synchronized (packedConv) {
            return packedConv.computeIfAbsent(w, key -> pack.get());
        }
    }

    @Override
    public void attention(float[] q, float[] k, float[] v, int batch, int len, int heads, int dh, float[] keyMask,
                          float[] out) {
        boolean hasMask = keyMask != null;
        if (dh % SimdKernels.L != 0) {
            Parallel.forRange(batch * heads * len, 1, 64, (f, t, i) ->
                    Kernels.attention(q, k, v, len, heads, dh, keyMask, hasMask, out, f, t));
            return;
        }
        Parallel.forRange(batch * heads, 1, 1, (f, t, i) ->
                SimdKernels.attention(q, k, v, len, heads, dh, keyMask, hasMask, out, f, t,
                        scratch(SimdKernels.attentionScratch(len, dh))));
    }

    // ---- audio/Vocos: the reference kernels, split over cores ----

    @Override
    public void scaleLast(float[] x, int rows, int dim, float[] g, float[] y) {
        Parallel.forRange(rows, 1, Math.max(1, ELEMENTWISE_GRAIN / dim), (f, t, k) -> Kernels.scaleLast(x, dim, g, y, f, t));
    }

    @Override
    public void polarSpectrum(float[] x, int rows, int bins, float maxMag, float[] re, float[] im) {
        Parallel.forRange(rows, 1, Math.max(1, 4096 / bins), (f, t, k) -> Kernels.polarSpectrum(x, bins, maxMag, re, im, f, t));
    }

    // ---- DiT: the reference kernels, split over cores (row-wise, each O(rows x dim)) ----

    private static int rowsPerChunk(int dim) { return Math.max(1, ELEMENTWISE_GRAIN / Math.max(1, dim)); }

    @Override
    public void gatherRows(float[] table, int dim, int[] ids, int rows, float[] y) {
        Parallel.forRange(rows, 1, rowsPerChunk(dim), (f, t, k) -> Kernels.gatherRows(table, dim, ids, y, f, t));
    }

    @Override
    public void zeroRows(float[] x, int rows, int dim, float[] keep) {
        Parallel.forRange(rows, 1, rowsPerChunk(dim), (f, t, k) -> Kernels.zeroRows(x, dim, keep, f, t));
    }

    @Override
    public void concatLast(float[] a, int da, float[] b, int db, boolean bZero, float[] c, int dc, int rows, float[] y) {
        Parallel.forRange(rows, 1, rowsPerChunk(da + db + dc), (f, t, k) ->
                Kernels.concatLast(a, da, b, db, bZero, c, dc, y, f, t));
    }

    @Override
    public void modulate(float[] x, int batch, int len, int dim, float[] emb, int embWidth, int scaleOff, int shiftOff,
                         float[] y) {
        Parallel.forRange(batch * len, 1, rowsPerChunk(dim), (f, t, k) ->
                Kernels.modulate(x, len, dim, emb, embWidth, scaleOff, shiftOff, y, f, t));
    }

    @Override
    public void gatedAdd(float[] x, float[] y, int batch, int len, int dim, float[] emb, int embWidth, int gateOff) {
        Parallel.forRange(batch * len, 1, rowsPerChunk(dim), (f, t, k) ->
                Kernels.gatedAdd(x, y, len, dim, emb, embWidth, gateOff, f, t));
    }

    @Override
    public void grn(float[] x, int batch, int len, int dim, float[] gamma, float[] beta, float[] nx, float[] y) {
        Kernels.grnScale(x, len, dim, nx, 0, batch); // a column reduction per batch item: kept on one thread
        Parallel.forRange(batch * len, 1, rowsPerChunk(dim), (f, t, k) ->
                Kernels.grnApply(x, len, dim, nx, gamma, beta, y, f, t));
    }

    @Override
    public void addCosSin(float[] x, int batch, int len, int half, float[] cos, float[] sin, int[] validLen) {
        Parallel.forRange(batch * len, 1, rowsPerChunk(2 * half), (f, t, k) ->
                Kernels.addCosSin(x, len, half, cos, sin, validLen, f, t));
    }

    @Override
    public void rotary(float[] x, int batch, int len, int heads, int dh, int ropeHeads, float[] cos, float[] sin) {
        Parallel.forRange(batch * len, 1, rowsPerChunk(heads * dh), (f, t, k) ->
                Kernels.rotary(x, len, heads, dh, ropeHeads, cos, sin, f, t));
    }

    @Override
    public void addScaled(float[] a, float[] b, float s, int n, float[] y) {
        Parallel.forRange(n, SimdKernels.L, ELEMENTWISE_GRAIN, (f, t, k) -> Kernels.addScaled(a, b, s, y, f, t));
    }
}
