import f5j.compute.Backend;
import f5j.compute.Kernels;
import f5j.compute.Op;
import f5j.compute.Precision;

import java.util.Random;

/**
 * Checks the 16-bit weight linear on the device (--device-weights fp16|bf16): one linear through the
 * TornadoVM backend against Kernels.linear over the weights rounded to the format (expect float rounding
 * noise, ~1e-7) and over the fp32 weights (the rounding's own cost). Usage as LinearBench's:
 *   javac -d /tmp/hl -cp target/f5j.jar tools/tornadovm/HalfLinearCheck.java
 *   java @$TORNADOVM_HOME/tornado-argfile --add-modules jdk.incubator.vector \
 *     -cp "/tmp/hl:target/f5j.jar:target/lib/*" HalfLinearCheck
 */
public class HalfLinearCheck {
    public static void main(String[] a) throws Exception {
        for (Precision p : new Precision[] {Precision.FP16, Precision.BF16}) {
            Backend be = (Backend) Class.forName("f5j.compute.tornado.TornadoBackend")
                    .getMethod("create", Precision.class).invoke(null, p);
            for (int[] s : new int[][] {{37, 77, 45}, {200, 256, 128}}) {
                int rows = s[0], in = s[1], out = s[2];
                Random r = new Random(1);
                float[] x = new float[rows * in], w = new float[out * in], b = new float[out], y = new float[rows * out];
                for (float[] v : new float[][] {x, w, b}) for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
                be.execute(new Op.Linear(x, rows, in, w, b, out, y));
                float[] rounded = new float[rows * out], full = new float[rows * out];
                Kernels.linear(x, in, p.rounded(w), b, true, out, rounded, 0, rows);
                Kernels.linear(x, in, w, b, true, out, full, 0, rows);
                double e = 0, e32 = 0, m = 0;
                for (int i = 0; i < y.length; i++) {
                    e = Math.max(e, Math.abs(y[i] - rounded[i]));
                    e32 = Math.max(e32, Math.abs(y[i] - full[i]));
                    m = Math.max(m, Math.abs(rounded[i]));
                }
                System.out.printf("%s %dx%d->%d: rel %.2e from the rounded-weight reference, %.2e from fp32 weights%n",
                        p.label(), rows, in, out, e / m, e32 / m);
            }
        }
    }
}
