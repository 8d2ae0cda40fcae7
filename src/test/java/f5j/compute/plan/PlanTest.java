package f5j.compute.plan;

import f5j.compute.Backend;
import f5j.compute.plan.Plan.Role;
import f5j.tensor.Tensor;
import f5j.weights.RawTensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Plan recording and host replay on a small model built from every Backend op. */
public class PlanTest {
    public static final int B = 2, N = 5, D = 8, H = 2, K = 3;

    /** A toy block: weights come from the state dict as fresh arrays, like a real loader. */
    public static final class Toy {
        final Map<String, RawTensor> sd = new LinkedHashMap<>();
        /** Its parameter arrays by identity, with their state-dict keys (what DiT.parameters() gives). */
        final Map<Object, String> params = new java.util.IdentityHashMap<>();
        final float[] ln_g, ln_b, w1, b1, w2, conv_w, conv_b, rms_g, mask;

        public Toy(long seed) {
            Random r = new Random(seed);
            ln_g = param("norm.weight", r, D);
            ln_b = param("norm.bias", r, D);
            w1 = param("ff.0.weight", r, 2 * D, D);
            b1 = param("ff.0.bias", r, 2 * D);
            w2 = param("ff.2.weight", r, D, 2 * D);
            conv_w = param("dwconv.weight", r, D, 1, K);
            conv_b = param("dwconv.bias", r, D);
            rms_g = param("rms.weight", r, D);
            // Host-computed but input-independent: a key mask (last frame of the second item masked).
            mask = new float[B * N];
            java.util.Arrays.fill(mask, 1f);
            mask[2 * N - 1] = 0f;
        }

        private float[] param(String key, Random r, int... shape) {
            float[] v = new float[(int) Tensor.numel(shape)];
            for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * 0.5f;
            sd.put(key, RawTensor.of(key, new Tensor(v, shape)));
            float[] a = sd.get(key).toFloats(); // a copy, as a loader makes: the model's own array is the weight
            params.put(a, key);
            return a;
        }

        public float[] forward(Backend be, float[] x) {
            int rows = B * N;
            float[] h = new float[rows * D], f = new float[rows * 2 * D], g = new float[rows * 2 * D];
            float[] o = new float[rows * D], c = new float[rows * D], a = new float[rows * D];
            be.layerNorm(x, rows, D, ln_g, ln_b, 1e-6f, h);
            be.linear(h, rows, D, w1, b1, 2 * D, f);
            be.silu(f, rows * 2 * D, g);
            be.linear(g, rows, 2 * D, w2, null, D, o);
            be.add(o, x, rows * D, o);                        // in place residual
            be.conv1d(o, B, N, D, conv_w, conv_b, D, K, D, K / 2, c);
            be.mish(c, rows * D, c);
            be.attention(c, c, o, B, N, H, D / H, mask, a);
            be.geluErf(a, rows * D, h);
            be.mul(h, o, rows * D, h);
            be.rmsNorm(h, rows, D, rms_g, 1e-5f, a);
            be.geluTanh(a, rows * D, c);
            be.layerNorm(c, rows, D, null, null, 1e-5f, h);
            return h;
        }
    }

    public static float[] randn(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    public static Plan record(Toy toy, float[] x) {
        PlanRecorder rec = new PlanRecorder(Backend.reference()).parameters(toy.params).input("x", x);
        float[] out = toy.forward(rec.backend(), x);
        return rec.finish(Map.of("out", out));
    }

    @Test
    void replayEqualsDirectForwardAndFollowsNewInputs() {
        Toy toy = new Toy(1);
        float[] x1 = randn(2, B * N * D), x2 = randn(3, B * N * D);
        Plan plan = record(toy, x1.clone());
        assertThat(plan.problems()).isEmpty();
        assertThat(plan.steps()).hasSize(13);
        assertThat(plan.buffer("ff.0.weight").role()).isEqualTo(Role.WEIGHT);
        assertThat(plan.buffer("dwconv.bias").role()).isEqualTo(Role.WEIGHT);
        assertThat(plan.withRole(Role.WEIGHT)).hasSize(8);
        assertThat(plan.withRole(Role.CONSTANT)).singleElement().satisfies(b -> assertThat(b.length()).isEqualTo(B * N));
        assertThat(plan.buffer("x").role()).isEqualTo(Role.INPUT);
        assertThat(plan.buffer("out").role()).isEqualTo(Role.OUTPUT);

        PlanExecutor exec = HostPlanExecutor.on(Backend.reference(), plan);
        assertThat(exec.run(Map.of("x", x1)).get("out")).containsExactly(toy.forward(Backend.reference(), x1.clone()));
        // Recorded with x1, run with x2: same numbers as the direct forward on x2, bit for bit.
        assertThat(exec.run(Map.of("x", x2)).get("out")).containsExactly(toy.forward(Backend.reference(), x2.clone()));
        assertThat(plan.checkSameShape(record(toy, x2.clone()))).isEmpty();
    }

    @Test
    void hostWritesIntoKernelBuffersAreReported() {
        Toy toy = new Toy(1);
        float[] x = randn(2, B * N * D);
        PlanRecorder rec = new PlanRecorder(Backend.reference()).input("x", x);
        Backend be = rec.backend();
        float[] h = new float[x.length], y = new float[x.length];
        be.silu(x, x.length, h);
        h[0] += 1f;                                  // host glue on a device buffer
        be.silu(h, x.length, y);
        Plan plan = rec.finish(Map.of("y", y));
        assertThat(plan.problems()).singleElement().asString().contains("host code changed t0.silu.2");
        assertThatThrownBy(() -> new HostPlanExecutor(plan, Backend.reference())).hasMessageContaining("not a closed kernel plan");
    }

    @Test
    void hostComputedInputsAreCaught() {
        float[] x1 = randn(2, 16), x2 = randn(3, 16);
        Plan p1 = recordHostScaled(x1), p2 = recordHostScaled(x2);
        assertThat(p1.problems()).singleElement().asString().contains("input x never reached a kernel");
        assertThat(p1.checkSameShape(p2)).singleElement().asString().contains("depends on the inputs");
    }

    private static Plan recordHostScaled(float[] x) {
        PlanRecorder rec = new PlanRecorder(Backend.reference()).input("x", x);
        float[] scaled = new float[x.length], y = new float[x.length];
        for (int i = 0; i < x.length; i++) scaled[i] = 2f * x[i]; // host arithmetic the plan cannot see
        rec.backend().silu(scaled, x.length, y);
        return rec.finish(Map.of("y", y));
    }

    @Test
    void outputsMustComeFromKernels() {
        float[] x = randn(2, 16);
        PlanRecorder rec = new PlanRecorder(Backend.reference()).input("x", x);
        float[] y = new float[16];
        rec.backend().silu(x, 16, y);
        Plan plan = rec.finish(Map.of("y", y.clone()));
        assertThat(plan.problems()).singleElement().asString().contains("not written by any recorded kernel");
    }
}
