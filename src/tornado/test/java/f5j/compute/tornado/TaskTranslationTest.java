package f5j.compute.tornado;

import f5j.compute.Backend;
import f5j.compute.plan.DitPlanTest;
import f5j.compute.plan.HostPlanExecutor;
import f5j.compute.plan.Plan;
import f5j.compute.plan.PlanTest;
import f5j.golden.GoldenFile;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Method;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TornadoVM translation without TornadoVM's runtime (-Ptornadovm only; needs just tornado-api): every
 * plan step becomes its twin task(s), which run here on the JVM with TornadoVM's off-heap arrays. They
 * must reproduce the CPU replay bit for bit, so what a device adds is only its own float rounding.
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
            float[] cpu = new HostPlanExecutor(plan, Backend.cpu()).run(in).get("pred");
            assertThat(TornadoPlanExecutor.runTasksOnHost(plan, in).get("pred")).containsExactly(cpu);
        }
    }

    @Test
    void everyBackendOpHasATwin() {
        PlanTest.Toy toy = new PlanTest.Toy(1);
        float[] x = PlanTest.randn(2, PlanTest.B * PlanTest.N * PlanTest.D);
        Plan plan = PlanTest.record(toy, x.clone());
        assertThat(TornadoPlanExecutor.runTasksOnHost(plan, Map.of("x", x)).get("out"))
                .containsExactly(toy.forward(Backend.cpu(), x.clone()));
        // Every Backend method, on small random arrays (all sizes 2): its twin tasks equal the CPU kernels.
        java.util.Random r = new java.util.Random(3);
        for (Method m : Backend.class.getMethods()) {
            if (m.getReturnType() != void.class || java.lang.reflect.Modifier.isStatic(m.getModifiers())) continue;
            Class<?>[] t = m.getParameterTypes();
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
            Plan one = Plan.ofCall(m, args);
            Map<String, Object> in = new java.util.HashMap<>();
            Plan.Access[] acc = Plan.access(m);
            for (int i = 0; i < args.length; i++) if (acc[i] != null && acc[i] != Plan.Access.WRITE) in.put("a" + i, args[i]);
            Map<String, float[]> cpu = new HostPlanExecutor(one, Backend.cpu()).run(in);
            Map<String, float[]> twins = TornadoPlanExecutor.runTasksOnHost(one, in);
            assertThat(twins.keySet()).as("Backend.%s outputs", m.getName()).isEqualTo(cpu.keySet());
            cpu.forEach((k, v) -> assertThat(twins.get(k)).as("Backend.%s %s", m.getName(), k).containsExactly(v));
        }
    }
}
