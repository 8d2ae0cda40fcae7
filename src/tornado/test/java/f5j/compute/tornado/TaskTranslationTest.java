package f5j.compute.tornado;

import f5j.compute.Backend;
import f5j.compute.Op;
import f5j.compute.Ops;
import f5j.compute.Precision;
import f5j.compute.plan.DitPlanTest;
import f5j.compute.plan.HostPlanExecutor;
import f5j.compute.plan.Plan;
import f5j.compute.plan.PlanTest;
import f5j.golden.GoldenFile;
import f5j.golden.Metrics;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TornadoVM translation without TornadoVM's runtime, in every build (against the API stubs of
 * src/tornado/stub by default, the real tornado-api with -Ptornadovm): every plan step becomes its twin
 * task(s), which run here on the JVM on off-heap arrays. They must reproduce the reference backend (the
 * plain Kernels) bit for bit, so the twins and Kernels stay equal and what a device adds is only its own
 * float rounding; the one exception, the norms' work-group reductions, is bounded in WorkGroupKernelsTest.
 */
class TaskTranslationTest {
    @ParameterizedTest
    @ValueSource(strings = {"f5tts-tiny-v0/forward_cfg.safetensors", "f5tts-tiny-v0/forward_masked.safetensors",
            "f5tts-tiny-v1/forward_cfg.safetensors", "f5tts-tiny-v1/forward_masked.safetensors"})
    void ditPlanTasksEqualCpuReplay(String golden) {
        try (GoldenFile g = GoldenFile.open(Goldens.file(golden))) {
            DitPlanTest.Case c = DitPlanTest.load(g);
            Plan plan = c.record(c.x(), c.time());
            Map<String, Object> in = Map.of("x", c.x().data, "cond", c.cond().data, "time", c.time());
            float[] cpu = new HostPlanExecutor(plan, Backend.reference()).run(in).get("pred");
            float[] twins = TornadoPlanExecutor.runTasksOnHost(plan, in).get("pred");
            if (!TornadoPlanExecutor.GROUPED) {
                assertThat(twins).containsExactly(cpu);
                return;
            }
            // The norms' work-group kernels add their sums in another order (each op is checked against its
            // plain kernel in WorkGroupKernelsTest), so the whole forward is held to the golden tolerance, from
            // the CPU replay and from PyTorch's output.
            float[] expected = g.tensor("out/pred").data;
            assertThat(Metrics.maxAbsDiff(twins, cpu) / Metrics.maxAbs(cpu)).isLessThanOrEqualTo(DitPlanTest.TOL);
            assertThat(Metrics.maxAbsDiff(twins, expected) / Metrics.maxAbs(expected)).isLessThanOrEqualTo(DitPlanTest.TOL);
        }
    }

    /**
     * The tiled KernelContext linear, run work-group by work-group with real barriers, on sizes that leave
     * partial tiles in every dimension (and one inner slice shorter than a tile): the plain kernel's bits.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 16, 37, 70})
    void tiledLinearEqualsThePlainKernel(int rows) {
        Assumptions.assumeTrue(TwinCall.emulatesGrids(), "KernelContext emulation exists in the stub build only");
        Random r = new Random(rows);
        for (int[] io : new int[][] {{37, 19}, {16, 16}, {5, 33}}) {
            int in = io[0], out = io[1];
            float[] x = new float[rows * in], w = new float[out * in], b = new float[out];
            for (float[] a : new float[][] {x, w, b}) for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
            for (float[] bias : new float[][] {b, null}) {
                Op op = new Op.Linear(x, rows, in, w, bias, out, new float[rows * out]);
                Plan one = Plan.ofCall(op);
                Map<String, Object> inputs = new HashMap<>(Map.of("x", x, "w", w));
                if (bias != null) inputs.put("b", bias);
                float[] expected = new float[rows * out];
                f5j.compute.Kernels.linear(x, in, w, bias, bias != null, out, expected, 0, rows);
                assertThat(TornadoPlanExecutor.runTasksOnHost(one, inputs).get("y"))
                        .as("rows %d in %d out %d bias %s", rows, in, out, bias != null).containsExactly(expected);
            }
        }
    }

    /**
     * 16-bit device weights, whole DiT forwards: exactly the Linear weights are stored as 16-bit codes, and
     * the tasks equal the reference backend's replay of the same plan with those weights rounded to the
     * format (and differ from the fp32 run, so the rounding is really applied).
     */
    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP16", "BF16"})
    void ditPlanWith16BitWeightsEqualsCpuReplayOverRoundedWeights(Precision p) {
        try (GoldenFile g = GoldenFile.open(Goldens.file("f5tts-tiny-v1/forward_cfg.safetensors"))) {
            DitPlanTest.Case c = DitPlanTest.load(g);
            Plan plan = c.record(c.x(), c.time());
            Map<String, Object> in = Map.of("x", c.x().data, "cond", c.cond().data, "time", c.time());
            float[] fp32 = TornadoPlanExecutor.runTasksOnHost(plan, in).get("pred").clone();
            float[] got = TornadoPlanExecutor.runTasksOnHost(plan, in, p).get("pred");

            boolean[] sixteen = TornadoPlanExecutor.sixteenBit(plan, p);
            Set<Integer> linearWeights = new HashSet<>(), stored16 = new HashSet<>();
            for (Op step : plan.steps()) if (step instanceof Op.Linear l) linearWeights.add(plan.buffer(l.w()).id());
            for (int i = 0; i < sixteen.length; i++) if (sixteen[i]) stored16.add(i);
            assertThat(stored16).as("16-bit buffers").isEqualTo(linearWeights);

            // the model's arrays were loaded for this test alone: round its linear weights in place
            for (int id : stored16) p.roundInPlace((float[]) plan.buffer(id).host(), plan.buffer(id).length());
            float[] expected = new HostPlanExecutor(plan, Backend.reference()).run(in).get("pred");
            if (TornadoPlanExecutor.GROUPED) {
                // the norms' work-group sums differ from the plain order (see ditPlanTasksEqualCpuReplay): the
                // 16-bit forward is compared with the rounded-weight replay at fp32 tolerance, far below the
                // 16-bit rounding it shows against the fp32 weights
                assertThat(Metrics.maxAbsDiff(got, expected) / Metrics.maxAbs(expected)).isLessThanOrEqualTo(DitPlanTest.TOL);
            } else {
                assertThat(got).containsExactly(expected);
            }
            assertThat(got).isNotEqualTo(fp32);
            // against PyTorch's fp32 result: past the fp32 golden tolerance, within the one documented for p
            double rel = f5j.golden.Metrics.relError(got, g.raw("out/pred").toFloats());
            assertThat(rel).isGreaterThan(1e-4).isLessThanOrEqualTo(f5j.golden.VerifyOptions.deviceWeightsRtol(p));

            // the one-time upload: each 16-bit weight in half the bytes (an odd length rounds up), plus a
            // decode table per task graph (all steps in one graph, then 40 a graph as on the device)
            long saved = 0;
            for (int id : stored16) saved += 4L * plan.buffer(id).length() - 4L * ((plan.buffer(id).length() + 1) / 2);
            assertThat(saved).isPositive();
            int ns = plan.steps().size();
            for (int perGraph : new int[] {ns, 40}) {
                long[] full = TornadoPlanExecutor.uploadBytes(plan, Precision.FP32, perGraph);
                long[] half = TornadoPlanExecutor.uploadBytes(plan, p, perGraph);
                int graphs = (ns + perGraph - 1) / perGraph; // every graph of a DiT forward has a linear
                assertThat(half[0]).isEqualTo(full[0] - saved + 4L * HalfWeights.CODES * graphs);
                assertThat(half[1]).as("per-run bytes: inputs only").isEqualTo(full[1]);
            }
        }
    }

    /**
     * The 16-bit linear (tiled and run work-group by work-group in the stub build, its plain twin with the
     * real tornado-api) on partial tiles, with weights that overflow fp16, fall into its subnormals or are
     * -0: the plain kernel's bits over the weights rounded to the format.
     */
    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP16", "BF16"})
    void sixteenBitLinearEqualsThePlainKernelOverRoundedWeights(Precision p) {
        Random r = new Random(7);
        for (int rows : new int[] {1, 37, 70}) {
            for (int[] io : new int[][] {{37, 19}, {16, 16}, {5, 33}}) {
                int in = io[0], out = io[1];
                float[] x = new float[rows * in], w = new float[out * in], b = new float[out];
                for (float[] a : new float[][] {x, w, b}) for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
                w[0] = 1e5f;
                w[1] = 3e-7f;
                w[2] = -0f;
                w[w.length - 1] = 1.0009765625f; // a tie between two fp16 values
                float[] wCopy = w.clone();
                for (float[] bias : new float[][] {b, null}) {
                    Op op = new Op.Linear(x, rows, in, w, bias, out, new float[rows * out]);
                    Map<String, Object> inputs = new HashMap<>(Map.of("x", x, "w", w));
                    if (bias != null) inputs.put("b", bias);
                    float[] expected = new float[rows * out];
                    f5j.compute.Kernels.linear(x, in, p.rounded(w), bias, bias != null, out, expected, 0, rows);
                    assertThat(TornadoPlanExecutor.runTasksOnHost(Plan.ofCall(op), inputs, p).get("y"))
                            .as("rows %d in %d out %d bias %s", rows, in, out, bias != null).containsExactly(expected);

                    // and the plain twin, which -Df5j.tornado.tiled=false runs on the device
                    FloatArray fx = floats(x), fb = floats(bias == null ? new float[1] : bias), fy = floats(new float[rows * out]);
                    int[] packed = HalfWeights.pack(p, w);
                    IntArray fw = new IntArray(packed.length);
                    for (int i = 0; i < packed.length; i++) fw.set(i, packed[i]);
                    TornadoKernels.linear16(fx, in, fw, floats(HalfWeights.decodeTable(p)), fb, bias != null ? 1 : 0, out, fy, rows);
                    float[] plain = new float[rows * out];
                    for (int i = 0; i < plain.length; i++) plain[i] = fy.get(i);
                    assertThat(plain).as("plain twin, rows %d in %d out %d", rows, in, out).containsExactly(expected);
                }
                assertThat(w).as("the caller's weights are not modified").containsExactly(wCopy);
            }
        }
    }

    private static FloatArray floats(float[] v) {
        FloatArray a = new FloatArray(v.length);
        for (int i = 0; i < v.length; i++) a.set(i, v[i]);
        return a;
    }

    @Test
    void everyOpHasATwinThatEqualsTheKernels() {
        PlanTest.Toy toy = new PlanTest.Toy(1);
        float[] x = PlanTest.randn(2, PlanTest.B * PlanTest.N * PlanTest.D);
        Plan plan = PlanTest.record(toy, x.clone());
        float[] toyTwins = TornadoPlanExecutor.runTasksOnHost(plan, Map.of("x", x)).get("out");
        float[] toyPlain = toy.forward(Backend.reference(), x.clone());
        if (TornadoPlanExecutor.GROUPED) { // its LayerNorm sums in another order (see ditPlanTasksEqualCpuReplay)
            assertThat(Metrics.maxAbsDiff(toyTwins, toyPlain) / Metrics.maxAbs(toyPlain)).isLessThanOrEqualTo(DitPlanTest.TOL);
        } else {
            assertThat(toyTwins).containsExactly(toyPlain);
        }
        // Every op, on small random arrays (all sizes 2, where even the norms' tree sums are exact): its twin
        // tasks equal the plain kernels.
        Random r = new Random(3);
        for (Class<? extends Op> c : Ops.all()) {
            Class<?>[] t = Ops.componentTypes(c);
            Object[] args = new Object[t.length];
            for (int i = 0; i < args.length; i++) {
                if (t[i] == float[].class) {
                    float[] v = new float[64];
                    for (int j = 0; j < v.length; j++) v[j] = (float) r.nextGaussian();
                    args[i] = v;
                } else {
                    args[i] = t[i] == int[].class ? new int[] {1, 1, 1, 1} : t[i] == boolean.class ? (Object) false
                            : t[i] == float.class ? (Object) 0.5f : (Object) 2;
                }
            }
            Op op = Ops.of(c, args);
            Plan one = Plan.ofCall(op);
            Map<String, Object> in = new HashMap<>();
            Ops.Access[] acc = Ops.access(c);
            String[] names = Ops.componentNames(c);
            for (int i = 0; i < args.length; i++) if (acc[i] != null && acc[i] != Ops.Access.WRITE) in.put(names[i], args[i]);
            Map<String, float[]> cpu = new HostPlanExecutor(one, Backend.reference()).run(in);
            Map<String, float[]> twins = TornadoPlanExecutor.runTasksOnHost(one, in);
            assertThat(cpu).as("%s writes something", c.getSimpleName()).isNotEmpty();
            assertThat(twins.keySet()).as("%s outputs", c.getSimpleName()).isEqualTo(cpu.keySet());
            cpu.forEach((k, v) -> assertThat(twins.get(k)).as("%s %s", c.getSimpleName(), k).containsExactly(v));
        }
    }
}
