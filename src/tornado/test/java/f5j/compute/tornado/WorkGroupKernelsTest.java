package f5j.compute.tornado;

import f5j.compute.Backend;
import f5j.compute.Kernels;
import f5j.compute.Op;
import f5j.compute.Ops;
import f5j.compute.plan.DitPlanTest;
import f5j.compute.plan.Plan;
import f5j.golden.GoldenFile;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The work-group kernels of TornadoKernels (flash attention, the split GRN, the norms with tree
 * reductions), run on the JVM as the device would run them (the stub's KernelContext emulates work-groups
 * with real barriers), against the plain kernels: attention and GRN bit for bit, the norms, whose sums are
 * added in another order, within a bound derived below.
 */
class WorkGroupKernelsTest {
    private static final double U = 0x1p-24; // unit roundoff of float

    /**
     * Partial key tiles (len not a multiple of 32, shorter than one tile), masks with holes and a batch
     * item with every key masked, head sizes below, at and above the bound (above: the plain twin).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 31, 33, 70})
    void flashAttentionEqualsThePlainKernel(int len) {
        assumeGridEmulation();
        Random r = new Random(len);
        int batch = 3, heads = 2;
        for (int dh : new int[] {5, 16, TornadoKernels.ATT_DH, TornadoKernels.ATT_DH + 8}) {
            int n = batch * len * heads * dh;
            float[] q = randn(r, n, 1f), k = randn(r, n, 1f), v = randn(r, n, 1f);
            float[] mask = new float[batch * len];
            for (int j = 0; j < len; j++) {
                mask[j] = r.nextInt(10) < 7 ? 1f : 0f;          // holes
                mask[len + j] = j >= 32 && j < 64 ? 0f : 1f;     // a whole tile masked
                mask[2 * len + j] = 0f;                          // nothing to attend to
            }
            mask[0] = 1f;
            for (float[] m : new float[][] {mask, null}) {
                // scores of several units make the running max move often (the rescaling path)
                for (int i = 0; i < n; i++) q[i] *= 3f;
                Op op = new Op.Attention(q, k, v, batch, len, heads, dh, m, new float[n]);
                Map<String, Object> in = new HashMap<>(Map.of("q", q, "k", k, "v", v));
                if (m != null) in.put("keyMask", m);
                float[] expected = new float[n];
                Kernels.attention(q, k, v, len, heads, dh, m, m != null, expected, 0, batch * heads * len);
                assertThat(TornadoPlanExecutor.runTasksOnHost(Plan.ofCall(op), in).get("out"))
                        .as("len %d dh %d mask %s", len, dh, m != null).containsExactly(expected);
            }
        }
    }

    @Test
    void splitGrnEqualsThePlainKernel() {
        Random r = new Random(5);
        for (int[] s : new int[][] {{1, 1, 1}, {2, 7, 33}, {3, 40, 130}}) {
            int batch = s[0], len = s[1], dim = s[2];
            float[] x = randn(r, batch * len * dim, 2f), gamma = randn(r, dim, 1f), beta = randn(r, dim, 1f);
            Op op = new Op.Grn(x, batch, len, dim, gamma, beta, new float[batch * dim], new float[x.length]);
            float[] nx = new float[batch * dim], y = new float[x.length];
            Kernels.grnScale(x, len, dim, nx, 0, batch);
            Kernels.grnApply(x, len, dim, nx, gamma, beta, y, 0, batch * len);
            Map<String, float[]> got = TornadoPlanExecutor.runTasksOnHost(Plan.ofCall(op),
                    Map.of("x", x, "gamma", gamma, "beta", beta));
            assertThat(got.get("nx")).as("nx %s", java.util.Arrays.toString(s)).containsExactly(nx);
            assertThat(got.get("y")).as("y %s", java.util.Arrays.toString(s)).containsExactly(y);
        }
    }

    /**
     * Grouped convolutions as the DiT's position embedding and Vocos' embedding run them, on sizes with
     * partial position tiles, channel slices and channel tiles, taps reaching past both ends, with and
     * without bias; and a depthwise one (the plain twin).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 37, 70})
    void tiledConvEqualsThePlainKernel(int len) {
        assumeGridEmulation();
        Random r = new Random(len);
        int batch = 2;
        // {channels, k, groups}: 16 groups of 48 (the real ratio, fewer channels), 2 of 20, ungrouped, depthwise
        for (int[] c : new int[][] {{96, 31, 2}, {40, 5, 2}, {20, 7, 1}, {16, 31, 4}, {8, 3, 8}}) {
            int dim = c[0], k = c[1], groups = c[2];
            float[] x = randn(r, batch * len * dim, 1f), w = randn(r, dim * (dim / groups) * k, 1f), b = randn(r, dim, 1f);
            w[0] = Float.NaN; // tap 0 of channel 0: NaN where it is used, absent where it falls in the padding
            for (float[] bias : new float[][] {b, null}) {
                Op op = new Op.Conv1d(x, batch, len, dim, w, bias, dim, k, groups, k / 2, new float[x.length]);
                Map<String, Object> in = new HashMap<>(Map.of("x", x, "w", w));
                if (bias != null) in.put("b", bias);
                float[] expected = new float[x.length];
                Kernels.conv1d(x, len, dim, w, bias, bias != null, dim, k, groups, k / 2, expected, 0, batch * len);
                assertThat(TornadoPlanExecutor.runTasksOnHost(Plan.ofCall(op), in).get("y"))
                        .as("len %d %s bias %s", len, java.util.Arrays.toString(c), bias != null).containsExactly(expected);
            }
        }
    }

    /** Dims below, at and above the work-group size, inputs centred and offset (a mean far from 0). */
    @ParameterizedTest
    @ValueSource(ints = {2, 37, 128, 300, 768, 1000})
    void groupNormsAreWithinTheirRoundingBound(int dim) {
        assumeGridEmulation();
        Random r = new Random(dim);
        int rows = 3;
        for (float offset : new float[] {0f, 5f}) {
            float[] x = randn(r, rows * dim, 1f), gamma = randn(r, dim, 1f), beta = randn(r, dim, 1f);
            for (int i = 0; i < x.length; i++) x[i] += offset;
            for (boolean affine : new boolean[] {true, false}) {
                float[] g = affine ? gamma : null, b = affine ? beta : null;
                float[] expected = new float[x.length];
                Kernels.layerNorm(x, dim, g, b, affine, 1e-6f, expected, 0, rows);
                Map<String, Object> in = new HashMap<>(Map.of("x", x));
                if (affine) { in.put("gamma", gamma); in.put("beta", beta); }
                float[] got = TornadoPlanExecutor.runTasksOnHost(
                        Plan.ofCall(new Op.LayerNorm(x, rows, dim, g, b, 1e-6f, new float[x.length])), in).get("y");
                assertWithin(got, expected, layerNormBound(x, rows, dim, g, b, 1e-6f, expected),
                        "layerNorm dim " + dim + " offset " + offset + " affine " + affine);
            }
            float[] expected = new float[x.length];
            Kernels.rmsNorm(x, dim, gamma, 1e-6f, expected, 0, rows);
            float[] got = TornadoPlanExecutor.runTasksOnHost(
                    Plan.ofCall(new Op.RmsNorm(x, rows, dim, gamma, 1e-6f, new float[x.length])),
                    Map.of("x", x, "gamma", gamma)).get("y");
            assertWithin(got, expected, rmsNormBound(x, rows, dim, gamma, 1e-6f, expected),
                    "rmsNorm dim " + dim + " offset " + offset);
        }
    }

    /**
     * Every operation of a real DiT forward (the tiny goldens' models, CFG-packed and masked), on the data
     * that forward produces: its twin task(s) run on the same inputs as the plain kernel, and must give the
     * same bits, the norms within their rounding bound.
     */
    @ParameterizedTest
    @ValueSource(strings = {"f5tts-tiny-v0/forward_cfg.safetensors", "f5tts-tiny-v1/forward_masked.safetensors"})
    void everyOpOfADitForwardMatchesItsPlainKernel(String golden) {
        try (GoldenFile gf = GoldenFile.open(Goldens.file(golden))) {
            DitPlanTest.Case c = DitPlanTest.load(gf);
            TwinCheck check = new TwinCheck();
            f5j.dit.DiT dit = f5j.dit.DiT.load(c.sd(), c.arch(), check);
            dit.forward(c.x(), c.cond(), c.text(), c.time(), c.mask(), false, false, c.cfg(), f5j.trace.Trace.OFF);
            assertThat(check.failures).as("ops that differ from the plain kernels").isEmpty();
            assertThat(check.counts).as("ops checked").containsKeys("attention", "layerNorm", "linear");
        }
    }

    /** A backend that runs each op's twins beside the plain kernel and records any output that differs. */
    private static final class TwinCheck implements Backend {
        final List<String> failures = new ArrayList<>();
        final Map<String, Integer> counts = new TreeMap<>();

        @Override public String name() { return "twin-check"; }

        @Override
        public void execute(Op op) {
            Class<? extends Op> c = op.getClass();
            String[] names = Ops.componentNames(c);
            Ops.Access[] acc = Ops.access(c);
            Object[] v = Ops.values(op);
            Map<String, Object> in = new HashMap<>();
            Object[] fresh = v.clone(); // outputs into arrays as fresh as the twins' (zeros; in-place ones copied)
            for (int i = 0; i < v.length; i++) {
                if (acc[i] == null || v[i] == null) continue;
                if (acc[i] != Ops.Access.WRITE) in.put(names[i], v[i]);
                if (acc[i] == Ops.Access.WRITE) fresh[i] = java.lang.reflect.Array.newInstance(
                        v[i].getClass().getComponentType(), java.lang.reflect.Array.getLength(v[i]));
                else if (acc[i] == Ops.Access.READ_WRITE) fresh[i] = v[i] instanceof int[] n ? n.clone() : ((float[]) v[i]).clone();
            }
            Map<String, float[]> twins = TornadoPlanExecutor.runTasksOnHost(Plan.ofCall(op), in);
            Op plainOp = Ops.of(c, fresh);
            Backend.reference().execute(plainOp);
            Backend.reference().execute(op); // the forward goes on with the plain kernel's values
            String name = Ops.name(c);
            counts.merge(name, 1, Integer::sum);
            for (int i = 0; i < v.length; i++) {
                if (acc[i] == null || acc[i] == Ops.Access.READ || v[i] == null) continue;
                float[] want = (float[]) fresh[i], got = twins.get(names[i]);
                if (op instanceof Op.LayerNorm o) {
                    double[] tol = layerNormBound(o.x(), o.rows(), o.dim(), o.gamma(), o.beta(), o.eps(), want);
                    if (worst(got, want, tol) > 1) failures.add(name + " " + names[i] + " beyond bound: " + worst(got, want, tol));
                } else if (op instanceof Op.RmsNorm o) {
                    double[] tol = rmsNormBound(o.x(), o.rows(), o.dim(), o.gamma(), o.eps(), want);
                    if (worst(got, want, tol) > 1) failures.add(name + " " + names[i] + " beyond bound: " + worst(got, want, tol));
                } else if (!java.util.Arrays.equals(got, want)) {
                    failures.add(name + " " + names[i] + " differs (call " + counts.get(name) + ")");
                }
            }
        }
    }

    // ---- rounding bounds of the norms: plain sums (sequential) vs the work-group kernels' (slices + tree) ----

    /**
     * Worst-case difference of two float sums of the same n terms, one added in order, one as NORM_WG
     * strided slices added by a binary tree, over the sum of the terms' magnitudes: recursive summation of
     * k terms errs by at most gamma_k = k u / (1 - k u) of that (Higham, Accuracy and Stability, 4.2), so
     * together gamma_(n-1) + gamma_(slice-1+log2 WG).
     */
    static double sumOrderBound(int n) {
        int wg = TornadoKernels.NORM_WG, slice = (n + wg - 1) / wg;
        double k = (n - 1) + (slice - 1) + Integer.numberOfTrailingZeros(wg);
        return k * U / (1 - k * U);
    }

    /**
     * Per-element bound on |y_group - y_plain| for LayerNorm. Per row, with A the mean of |x|: the means
     * differ by e_mu = (sumOrderBound + 2u) A (the sums, then each division's rounding); the variances,
     * sums of squared deviations from slightly different means, relatively by sumOrderBound + 10u (the
     * sums, each deviation's and square's and the division's rounding in either) plus 2 e_mu^2 absolutely
     * (the means' second-order effect); r = 1/sqrt(var+eps) by half of that relative to var+eps plus 4u.
     * Then v = (x - mu) r differs by (e_mu + 2u|x - mu|) r + |v| (dr/r + 2u), and y = v gamma + beta by
     * |gamma| dv + 2u (|v gamma| + |y|). Second-order products are covered by a factor 1.1.
     */
    static double[] layerNormBound(float[] x, int rows, int dim, float[] gamma, float[] beta, float eps, float[] y) {
        double[] tol = new double[rows * dim];
        double s = sumOrderBound(dim);
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            double a = 0, mu = 0, var = 0;
            for (int i = 0; i < dim; i++) { a += Math.abs(x[o + i]); mu += x[o + i]; }
            a /= dim;
            mu /= dim;
            for (int i = 0; i < dim; i++) var += (x[o + i] - mu) * (x[o + i] - mu);
            var /= dim;
            double eMu = (s + 2 * U) * a;
            double eVar = (s + 10 * U) * var + 2 * eMu * eMu;
            double rInv = 1 / Math.sqrt(var + eps);
            double dr = 0.5 * eVar / (var + eps) + 4 * U;
            for (int i = 0; i < dim; i++) {
                double d = Math.abs(x[o + i] - mu), v = d * rInv;
                double g = gamma == null ? 1 : Math.abs(gamma[i]);
                double dv = (eMu + 2 * U * d) * rInv + v * (dr + 2 * U);
                tol[o + i] = 1.1 * (g * dv + 2 * U * (v * g + Math.abs(y[o + i])));
            }
        }
        return tol;
    }

    /**
     * Per-element bound for RMSNorm: the sums of squares (positive terms, rounded alike in both) differ
     * relatively by sumOrderBound, the mean squares by 2u more (the divisions), r = 1/sqrt(ms+eps) by half
     * of that relative to ms+eps plus 4u, and y = x r gamma by |y| (dr/r) plus 4u |y| (two roundings each).
     */
    static double[] rmsNormBound(float[] x, int rows, int dim, float[] gamma, float eps, float[] y) {
        double[] tol = new double[rows * dim];
        double s = sumOrderBound(dim);
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            double ms = 0;
            for (int i = 0; i < dim; i++) ms += (double) x[o + i] * x[o + i];
            ms /= dim;
            double dr = 0.5 * (s + 2 * U) * ms / (ms + eps) + 4 * U;
            for (int i = 0; i < dim; i++) {
                double yy = Math.abs((double) x[o + i] * Math.abs(gamma[i])) / Math.sqrt(ms + eps);
                tol[o + i] = 1.1 * (yy * dr + 4 * U * Math.max(yy, Math.abs(y[o + i])));
            }
        }
        return tol;
    }

    private static void assertWithin(float[] got, float[] want, double[] tol, String what) {
        double worst = worst(got, want, tol);
        assertThat(worst).as("%s: largest |difference| / bound", what).isLessThanOrEqualTo(1.0);
        // the bound is tight enough to catch a term dropped from a sum (relative effect ~1/dim)
        double maxTol = 0, maxY = 0;
        for (int i = 0; i < want.length; i++) { maxTol = Math.max(maxTol, tol[i]); maxY = Math.max(maxY, Math.abs(want[i])); }
        assertThat(maxTol).as("%s: bound", what).isLessThan(1e-3 * maxY);
    }

    /** max |got - want| / tol; infinite where they differ with a zero bound (or got is NaN). */
    private static double worst(float[] got, float[] want, double[] tol) {
        double w = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs((double) got[i] - want[i]);
            if (Float.isNaN(got[i]) != Float.isNaN(want[i])) return Double.POSITIVE_INFINITY;
            if (d > 0) w = Math.max(w, tol[i] > 0 ? d / tol[i] : Double.POSITIVE_INFINITY);
        }
        return w;
    }

    private static void assumeGridEmulation() {
        Assumptions.assumeTrue(TwinCall.emulatesGrids(), "KernelContext emulation exists in the stub build only");
    }

    private static float[] randn(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = scale * (float) r.nextGaussian();
        return v;
    }
}
