package f5j.compute.tornado;

import f5j.compute.Backend;
import f5j.compute.Op;
import f5j.compute.Ops;
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
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
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
