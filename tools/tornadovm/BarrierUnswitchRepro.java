import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * TornadoVM 5.2.0-jdk25 miscompiling a KernelContext kernel (README.md here, issue 6), not reduced further:
 * a 1-D convolution (y[t, o] = sum over taps j, in channels i of w[o, i, j] x[t + j - pad, i]) tiled as
 * f5j's conv1dTiled is: per tap j and 16-channel slice, x rows and weights staged in local memory between
 * two barriers, 4 positions per work-item. Taps that fall in the padding are skipped per position:
 *   mode "branch": if (all 4 positions inside) { loop } else { loop with a test per position }
 *                  -> the generated OpenCL has the slice loop's barriers inside both branches; wrong sums
 *   mode "select": one loop, acc += inside ? w * x : -0f   -> right (what f5j does)
 *   javac -g -d /tmp/bur -cp "$TORNADOVM_HOME/share/java/tornado/*" tools/tornadovm/BarrierUnswitchRepro.java
 *   java @$TORNADOVM_HOME/tornado-argfile [-Dtornado.printKernel=True] -cp /tmp/bur BarrierUnswitchRepro branch
 */
public class BarrierUnswitchRepro {
    static final int T = 16, R = 4;

    public static void withBranch(KernelContext ctx, FloatArray x, FloatArray w, FloatArray y, int len, int ch, int k) {
        int lx = ctx.localIdx, ly = ctx.localIdy, pad = k / 2;
        int o = ctx.groupIdx * T + lx, wo = ctx.groupIdx * T + ly, t0 = ctx.groupIdy * T * R, r0 = t0 + ly * R;
        float[] xs = ctx.allocateFloatLocalArray(T * R * T);
        float[] ws = ctx.allocateFloatLocalArray(T * (T + 1));
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
        int xb = ly * R * T;
        for (int j = 0; j < k; j++) {
            int ts = r0 + j - pad;
            boolean in0 = ts >= 0 && ts < len, in1 = ts + 1 >= 0 && ts + 1 < len;
            boolean in2 = ts + 2 >= 0 && ts + 2 < len, in3 = ts + 3 >= 0 && ts + 3 < len;
            for (int c0 = 0; c0 < ch; c0 += T) {
                int i = c0 + lx;
                for (int jr = 0; jr < R; jr++) {
                    int rr = ly * R + jr, tt = t0 + rr + j - pad;
                    xs[rr * T + lx] = tt >= 0 && tt < len && i < ch ? x.get(tt * ch + i) : 0f;
                }
                ws[lx * (T + 1) + ly] = wo < ch && i < ch ? w.get((wo * ch + i) * k + j) : 0f;
                ctx.localBarrier();
                int kn = Math.min(T, ch - c0);
                if (in0 && in1 && in2 && in3) {
                    for (int kk = 0; kk < kn; kk++) {
                        float wv = ws[kk * (T + 1) + lx];
                        a0 += wv * xs[xb + kk];
                        a1 += wv * xs[xb + T + kk];
                        a2 += wv * xs[xb + 2 * T + kk];
                        a3 += wv * xs[xb + 3 * T + kk];
                    }
                } else {
                    for (int kk = 0; kk < kn; kk++) {
                        float wv = ws[kk * (T + 1) + lx];
                        if (in0) a0 += wv * xs[xb + kk];
                        if (in1) a1 += wv * xs[xb + T + kk];
                        if (in2) a2 += wv * xs[xb + 2 * T + kk];
                        if (in3) a3 += wv * xs[xb + 3 * T + kk];
                    }
                }
                ctx.localBarrier();
            }
        }
        store(y, o, r0, len, ch, a0, a1, a2, a3);
    }

    public static void withSelect(KernelContext ctx, FloatArray x, FloatArray w, FloatArray y, int len, int ch, int k) {
        int lx = ctx.localIdx, ly = ctx.localIdy, pad = k / 2;
        int o = ctx.groupIdx * T + lx, wo = ctx.groupIdx * T + ly, t0 = ctx.groupIdy * T * R, r0 = t0 + ly * R;
        float[] xs = ctx.allocateFloatLocalArray(T * R * T);
        float[] ws = ctx.allocateFloatLocalArray(T * (T + 1));
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
        int xb = ly * R * T;
        for (int j = 0; j < k; j++) {
            int ts = r0 + j - pad;
            boolean in0 = ts >= 0 && ts < len, in1 = ts + 1 >= 0 && ts + 1 < len;
            boolean in2 = ts + 2 >= 0 && ts + 2 < len, in3 = ts + 3 >= 0 && ts + 3 < len;
            for (int c0 = 0; c0 < ch; c0 += T) {
                int i = c0 + lx;
                for (int jr = 0; jr < R; jr++) {
                    int rr = ly * R + jr, tt = t0 + rr + j - pad;
                    xs[rr * T + lx] = tt >= 0 && tt < len && i < ch ? x.get(tt * ch + i) : 0f;
                }
                ws[lx * (T + 1) + ly] = wo < ch && i < ch ? w.get((wo * ch + i) * k + j) : 0f;
                ctx.localBarrier();
                int kn = Math.min(T, ch - c0);
                for (int kk = 0; kk < kn; kk++) {
                    float wv = ws[kk * (T + 1) + lx];
                    a0 += in0 ? wv * xs[xb + kk] : -0f;
                    a1 += in1 ? wv * xs[xb + T + kk] : -0f;
                    a2 += in2 ? wv * xs[xb + 2 * T + kk] : -0f;
                    a3 += in3 ? wv * xs[xb + 3 * T + kk] : -0f;
                }
                ctx.localBarrier();
            }
        }
        store(y, o, r0, len, ch, a0, a1, a2, a3);
    }

    private static void store(FloatArray y, int o, int r0, int len, int ch, float a0, float a1, float a2, float a3) {
        if (o < ch) {
            if (r0 < len) y.set(r0 * ch + o, a0);
            if (r0 + 1 < len) y.set((r0 + 1) * ch + o, a1);
            if (r0 + 2 < len) y.set((r0 + 2) * ch + o, a2);
            if (r0 + 3 < len) y.set((r0 + 3) * ch + o, a3);
        }
    }

    public static void main(String[] args) {
        boolean sel = args.length > 0 && args[0].equals("select");
        int len = 200, ch = 48, k = 31;
        FloatArray x = new FloatArray(len * ch), w = new FloatArray(ch * ch * k), y = new FloatArray(len * ch);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < x.getSize(); i++) x.set(i, (float) r.nextGaussian());
        for (int i = 0; i < w.getSize(); i++) w.set(i, (float) r.nextGaussian());
        y.init(0f);
        TaskGraph g = new TaskGraph("g").transferToDevice(DataTransferMode.EVERY_EXECUTION, x, w);
        KernelContext ctx = new KernelContext();
        if (sel) g.task("t", BarrierUnswitchRepro::withSelect, ctx, x, w, y, len, ch, k);
        else g.task("t", BarrierUnswitchRepro::withBranch, ctx, x, w, y, len, ch, k);
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, y);
        WorkerGrid2D grid = new WorkerGrid2D((ch + T - 1) / T * T, (len + T * R - 1) / (T * R) * T);
        grid.setLocalWork(T, T, 1);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())) {
            plan.withGridScheduler(new GridScheduler("g.t", grid)).execute();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
        double maxErr = 0, maxRef = 0;
        for (int t = 0; t < len; t++) {
            for (int o = 0; o < ch; o++) {
                double s = 0;
                for (int j = 0; j < k; j++) {
                    int ts = t + j - k / 2;
                    if (ts < 0 || ts >= len) continue;
                    for (int i = 0; i < ch; i++) s += (double) w.get((o * ch + i) * k + j) * x.get(ts * ch + i);
                }
                maxErr = Math.max(maxErr, Math.abs(s - y.get(t * ch + o)));
                maxRef = Math.max(maxRef, Math.abs(s));
            }
        }
        System.out.printf("mode=%s: max |err| / max |y| = %.2e (%s)%n", sel ? "select" : "branch", maxErr / maxRef,
                maxErr / maxRef < 1e-4 ? "right" : "WRONG");
    }
}
