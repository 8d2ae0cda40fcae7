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
    /**
     * im2col and GEMM output buffers of the grouped conv, per calling thread: the one backend instance
     * serves every model, and two models may run on two threads.
     */
    private static final ThreadLocal<float[][]> CONV_BUFFERS = ThreadLocal.withInitial(() -> new float[2][0]);

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

    private static float[] convBuffer(int i, int n) {
        float[][] b = CONV_BUFFERS.get();
        if (b[i].length < n) b[i] = new float[n];
        return b[i];
    }

    @Override public String name() { return "cpu"; }

    @Override
    public void execute(Op op) {
        switch (op) {
            case Op.Linear o -> linearSimd(o.x(), o.rows(), o.in(), o.w(), o.b(), o.out(), o.y());
            case Op.LayerNorm o -> layerNormSimd(o.x(), o.rows(), o.dim(), o.gamma(), o.beta(), o.eps(), o.y());
            case Op.RmsNorm o -> rmsNormSimd(o.x(), o.rows(), o.dim(), o.gamma(), o.eps(), o.y());
            case Op.Silu o -> elementwise(o.n(), (f, t, k) -> SimdKernels.silu(o.x(), o.y(), f, t));
            case Op.Mish o -> elementwise(o.n(), (f, t, k) -> SimdKernels.mish(o.x(), o.y(), f, t));
            case Op.GeluErf o -> elementwise(o.n(), (f, t, k) -> SimdKernels.geluErf(o.x(), o.y(), f, t));
            case Op.GeluTanh o -> elementwise(o.n(), (f, t, k) -> SimdKernels.geluTanh(o.x(), o.y(), f, t));
            case Op.Add o -> elementwise(o.n(), (f, t, k) -> SimdKernels.add(o.a(), o.b(), o.y(), f, t));
            case Op.Mul o -> elementwise(o.n(), (f, t, k) -> SimdKernels.mul(o.a(), o.b(), o.y(), f, t));
            case Op.AddScaled o -> elementwise(o.n(), (f, t, k) -> Kernels.addScaled(o.a(), o.b(), o.s(), o.y(), f, t));
            case Op.Conv1d o -> conv1dSimd(o.x(), o.batch(), o.len(), o.cin(), o.w(), o.b(), o.cout(), o.k(), o.groups(),
                    o.pad(), o.y());
            case Op.Attention o -> attentionSimd(o.q(), o.k(), o.v(), o.batch(), o.len(), o.heads(), o.dh(), o.keyMask(),
                    o.out());
            // audio/Vocos and DiT: the reference kernels, split over cores (row-wise, each O(rows x dim))
            case Op.ScaleLast o -> Parallel.forRange(o.rows(), 1, rowsPerChunk(o.dim()), (f, t, k) ->
                    Kernels.scaleLast(o.x(), o.dim(), o.g(), o.y(), f, t));
            case Op.PolarSpectrum o -> Parallel.forRange(o.rows(), 1, Math.max(1, 4096 / o.bins()), (f, t, k) ->
                    Kernels.polarSpectrum(o.x(), o.bins(), o.maxMag(), o.re(), o.im(), f, t));
            case Op.GatherRows o -> Parallel.forRange(o.rows(), 1, rowsPerChunk(o.dim()), (f, t, k) ->
                    Kernels.gatherRows(o.table(), o.dim(), o.ids(), o.y(), f, t));
            case Op.ZeroRows o -> Parallel.forRange(o.rows(), 1, rowsPerChunk(o.dim()), (f, t, k) ->
                    Kernels.zeroRows(o.x(), o.dim(), o.keep(), f, t));
            case Op.ConcatLast o -> Parallel.forRange(o.rows(), 1, rowsPerChunk(o.da() + o.db() + o.dc()), (f, t, k) ->
                    Kernels.concatLast(o.a(), o.da(), o.b(), o.db(), o.bZero(), o.c(), o.dc(), o.y(), f, t));
            case Op.Modulate o -> Parallel.forRange(o.batch() * o.len(), 1, rowsPerChunk(o.dim()), (f, t, k) ->
                    Kernels.modulate(o.x(), o.len(), o.dim(), o.emb(), o.embWidth(), o.scaleOff(), o.shiftOff(), o.y(), f, t));
            case Op.GatedAdd o -> Parallel.forRange(o.batch() * o.len(), 1, rowsPerChunk(o.dim()), (f, t, k) ->
                    Kernels.gatedAdd(o.x(), o.y(), o.len(), o.dim(), o.emb(), o.embWidth(), o.gateOff(), f, t));
            case Op.Grn o -> {
                // a column reduction per batch item: kept on one thread
                Kernels.grnScale(o.x(), o.len(), o.dim(), o.nx(), 0, o.batch());
                Parallel.forRange(o.batch() * o.len(), 1, rowsPerChunk(o.dim()), (f, t, k) ->
                        Kernels.grnApply(o.x(), o.len(), o.dim(), o.nx(), o.gamma(), o.beta(), o.y(), f, t));
            }
            case Op.AddCosSin o -> Parallel.forRange(o.batch() * o.len(), 1, rowsPerChunk(2 * o.halfLen()), (f, t, k) ->
                    Kernels.addCosSin(o.x(), o.len(), o.halfLen(), o.cos(), o.sin(), o.validLen(), f, t));
            case Op.Rotary o -> Parallel.forRange(o.batch() * o.len(), 1, rowsPerChunk(o.heads() * o.dh()), (f, t, k) ->
                    Kernels.rotary(o.x(), o.len(), o.heads(), o.dh(), o.ropeHeads(), o.cos(), o.sin(), f, t));
            // small: the reference kernel on the calling thread
            case Op.AngleTable o -> super.execute(o);
            case Op.TimestepSinusoid o -> super.execute(o);
            case Op.CfgCombine o -> super.execute(o);
        }
    }

    private static void elementwise(int n, Parallel.Range task) {
        Parallel.forRange(n, SimdKernels.L, ELEMENTWISE_GRAIN, task);
    }

    private static float[] scratch(int n) {
        float[][] s = SCRATCH.get();
        if (s[0].length < n) s[0] = new float[n];
        return s[0];
    }

    private void linearSimd(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
        boolean hasBias = b != null;
        if (rows < FEW_ROWS) {
            Parallel.forRange(out, 1, Math.max(1, 4096 / Math.max(1, rows)), (f, t, k) ->
                    SimdKernels.linearFewRows(x, rows, in, w, b, hasBias, out, y, f, t));
            return;
        }
        Parallel.forRange(out, SimdKernels.NR, SimdKernels.NR, (f, t, k) ->
                SimdKernels.linear(x, rows, in, w, b, hasBias, out, y, f, t, scratch(SimdKernels.linearScratch(t - f))));
    }

    private void layerNormSimd(float[] x, int rows, int dim, float[] gamma, float[] beta, float eps, float[] y) {
        Parallel.forRange(rows, 1, Math.max(1, ELEMENTWISE_GRAIN / dim), (f, t, k) ->
                SimdKernels.layerNorm(x, dim, gamma, beta, gamma != null, eps, y, f, t));
    }

    private void rmsNormSimd(float[] x, int rows, int dim, float[] gamma, float eps, float[] y) {
        Parallel.forRange(rows, 1, Math.max(1, ELEMENTWISE_GRAIN / dim), (f, t, k) ->
                SimdKernels.rmsNorm(x, dim, gamma, eps, y, f, t));
    }

    private void conv1dSimd(float[] x, int batch, int len, int cin, float[] w, float[] b, int cout, int k, int groups,
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
            float[] col = convBuffer(0, positions * kc), tmp = convBuffer(1, positions * coutG);
            for (int g = 0; g < groups; g++) {
                int grp = g;
                Parallel.forRange(positions, 1, Math.max(1, ELEMENTWISE_GRAIN / kc), (f, t, i) ->
                        SimdKernels.im2col(x, len, cin, cinG, grp, k, pad, col, f, t));
                linearSimd(col, positions, kc, wg[g], null, coutG, tmp);
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

    private void attentionSimd(float[] q, float[] k, float[] v, int batch, int len, int heads, int dh, float[] keyMask,
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

    private static int rowsPerChunk(int dim) { return Math.max(1, ELEMENTWISE_GRAIN / Math.max(1, dim)); }
}
