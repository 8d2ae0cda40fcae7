import f5j.compute.Backend;
import f5j.compute.Op;
import f5j.compute.plan.Plan;
import f5j.compute.plan.PlanCompiler;
import f5j.compute.plan.PlanExecutor;

import java.util.Map;
import java.util.Random;

/**
 * GFLOP/s of one linear (rows x in -> out) as a one-step device plan, weights resident, x sent each run.
 * Run from the repository root after `mvn -Ptornadovm package` (the source launcher cannot take the
 * TornadoVM argfile, so compile first):
 *   javac -d /tmp/lb -cp target/f5j.jar tools/tornadovm/LinearBench.java
 *   java @$TORNADOVM_HOME/tornado-argfile --add-modules jdk.incubator.vector \
 *     -cp "/tmp/lb:target/f5j.jar:target/lib/*" LinearBench 400 768 768 [runs]
 * -Df5j.tornado.tiled=false times the plain @Parallel twin instead of the tiled KernelContext kernel.
 */
public class LinearBench {
    public static void main(String[] a) throws Exception {
        int rows = Integer.parseInt(a[0]), in = Integer.parseInt(a[1]), out = Integer.parseInt(a[2]);
        int runs = a.length > 3 ? Integer.parseInt(a[3]) : 5;
        Backend be = (Backend) Class.forName("f5j.compute.tornado.TornadoBackend").getMethod("create").invoke(null);
        Random r = new Random(1);
        float[] x = new float[rows * in], w = new float[out * in], b = new float[out], y = new float[rows * out];
        for (float[] v : new float[][] {x, w, b}) for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        Plan p = Plan.ofCall(new Op.Linear(x, rows, in, w, b, out, y));
        long t0 = System.nanoTime();
        PlanExecutor ex = ((PlanCompiler) be).compile(p);
        System.out.printf("compile %.2f s%n", (System.nanoTime() - t0) / 1e9);
        Map<String, Object> inputs = Map.of("x", x, "w", w, "b", b);
        float[] got = ex.run(inputs).get("y");
        float[] ref = new float[rows * out];
        f5j.compute.Kernels.linear(x, in, w, b, true, out, ref, 0, rows);
        double maxErr = 0;
        for (int i = 0; i < ref.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - ref[i]));
        double best = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            ex.run(inputs);
            best = Math.min(best, (System.nanoTime() - s) / 1e9);
        }
        double flops = 2.0 * rows * in * out;
        System.out.printf("linear %dx%d->%d tiled=%s: best %.4f s, %.2f GFLOP/s (incl. sending x,w,b), max |err| %.2e%n",
                rows, in, out, System.getProperty("f5j.tornado.tiled", "true"), best, flops / best / 1e9, maxErr);
        ex.close();
        System.exit(0);
    }
}
