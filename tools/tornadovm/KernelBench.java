import f5j.compute.Backend;
import f5j.compute.Op;
import f5j.compute.plan.Plan;
import f5j.compute.plan.PlanCompiler;
import f5j.compute.plan.PlanExecutor;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Time of one attention, LayerNorm or GRN as a one-step device plan (all its inputs sent each run, as
 * LinearBench does for the linear). Run from the repository root after `mvn -Ptornadovm package`:
 *   javac -d /tmp/kb -cp target/f5j.jar tools/tornadovm/KernelBench.java
 *   java @$TORNADOVM_HOME/tornado-argfile --add-modules jdk.incubator.vector \
 *     -cp "/tmp/kb:target/f5j.jar:target/lib/*" KernelBench attention 2 200 12 64 [masked] [runs]   # batch len heads dh
 *   ... KernelBench layernorm 400 768 [runs]                                              # rows dim
 *   ... KernelBench grn 2 200 1024 [runs]                                                 # batch len dim
 *   ... KernelBench conv 2 200 768 31 16 [runs]                                           # batch len dim k groups
 * -Df5j.tornado.grouped=false times the plain @Parallel twins instead of the work-group kernels.
 */
public class KernelBench {
    public static void main(String[] a) throws Exception {
        Random r = new Random(1);
        Op op;
        Map<String, Object> in = new HashMap<>();
        double flops;
        String out;
        int nArgs;
        switch (a[0]) {
            case "attention" -> {
                int batch = Integer.parseInt(a[1]), len = Integer.parseInt(a[2]), heads = Integer.parseInt(a[3]),
                        dh = Integer.parseInt(a[4]);
                int n = batch * len * heads * dh;
                float[] q = randn(r, n), k = randn(r, n), v = randn(r, n), mask = new float[batch * len];
                java.util.Arrays.fill(mask, 1f);
                boolean masked = a.length > 5 && a[5].equals("masked");
                op = new Op.Attention(q, k, v, batch, len, heads, dh, masked ? mask : null, new float[n]);
                in.putAll(Map.of("q", q, "k", k, "v", v));
                if (masked) in.put("keyMask", mask);
                flops = 4.0 * batch * heads * len * (double) len * dh;
                out = "out";
                nArgs = masked ? 6 : 5;
            }
            case "layernorm" -> {
                int rows = Integer.parseInt(a[1]), dim = Integer.parseInt(a[2]);
                float[] x = randn(r, rows * dim);
                op = new Op.LayerNorm(x, rows, dim, null, null, 1e-6f, new float[x.length]);
                in.put("x", x);
                flops = 8.0 * rows * dim;
                out = "y";
                nArgs = 3;
            }
            case "grn" -> {
                int batch = Integer.parseInt(a[1]), len = Integer.parseInt(a[2]), dim = Integer.parseInt(a[3]);
                float[] x = randn(r, batch * len * dim), g = randn(r, dim), b = randn(r, dim);
                op = new Op.Grn(x, batch, len, dim, g, b, new float[batch * dim], new float[x.length]);
                in.putAll(Map.of("x", x, "gamma", g, "beta", b));
                flops = 7.0 * batch * len * dim;
                out = "y";
                nArgs = 4;
            }
            case "conv" -> {
                int batch = Integer.parseInt(a[1]), len = Integer.parseInt(a[2]), dim = Integer.parseInt(a[3]),
                        k = Integer.parseInt(a[4]), groups = Integer.parseInt(a[5]);
                float[] x = randn(r, batch * len * dim), w = randn(r, dim * (dim / groups) * k), b = randn(r, dim);
                op = new Op.Conv1d(x, batch, len, dim, w, b, dim, k, groups, k / 2, new float[x.length]);
                in.putAll(Map.of("x", x, "w", w, "b", b));
                flops = 2.0 * batch * len * dim * (dim / groups) * k;
                out = "y";
                nArgs = 6;
            }
            default -> throw new IllegalArgumentException("attention | layernorm | grn | conv");
        }
        int runs = a.length > nArgs ? Integer.parseInt(a[nArgs]) : 5;
        Backend be = (Backend) Class.forName("f5j.compute.tornado.TornadoBackend").getMethod("create").invoke(null);
        Plan p = Plan.ofCall(op);
        PlanExecutor ex = ((PlanCompiler) be).compile(p);
        long t0 = System.nanoTime();
        float[] got = ex.run(in).get(out);
        System.out.printf("first run (compiles) %.2f s%n", (System.nanoTime() - t0) / 1e9);
        Plan ref = Plan.ofCall(op);
        float[] want = new f5j.compute.plan.HostPlanExecutor(ref, Backend.reference()).run(in).get(out);
        double maxErr = 0, maxRef = 0;
        for (int i = 0; i < want.length; i++) {
            maxErr = Math.max(maxErr, Math.abs(got[i] - want[i]));
            maxRef = Math.max(maxRef, Math.abs(want[i]));
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            ex.run(in);
            best = Math.min(best, (System.nanoTime() - s) / 1e9);
        }
        System.out.printf("%s %s grouped=%s: best %.4f s, %.2f GFLOP/s (incl. sending the inputs), max |err| / max |ref| %.2e%n",
                a[0], String.join("x", java.util.Arrays.copyOfRange(a, 1, nArgs)),
                System.getProperty("f5j.tornado.grouped", "true"), best, flops / best / 1e9, maxErr / maxRef);
        ex.close();
        System.exit(0);
    }

    private static float[] randn(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }
}
