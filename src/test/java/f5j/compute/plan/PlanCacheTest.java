package f5j.compute.plan;

import f5j.compute.Backend;
import f5j.dit.DiT;
import f5j.golden.GoldenFile;
import f5j.tensor.Tensor;
import f5j.testing.Goldens;
import f5j.trace.Trace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The device plan cache: one compiled plan per model and shape, reused across recordings, bounded. */
class PlanCacheTest {
    /** Stands in for a device executor: counts rebinds, remembers whether it was closed. */
    static final class Fake implements PlanExecutor {
        final Plan plan;
        int rebinds;
        boolean closed;

        Fake(Plan plan) { this.plan = plan; }

        @Override public Map<String, float[]> run(Map<String, ?> inputs) { return Map.of(); }

        @Override public double compileSeconds() { return 1.5; }

        @Override public void close() { closed = true; }
    }

    private final List<Fake> built = new ArrayList<>();
    private boolean acceptRebind = true;

    private PlanCache<Fake> cache(int capacity) {
        return new PlanCache<>(capacity, new PlanCache.Compiler<>() {
            @Override public Fake compile(Plan plan) {
                Fake f = new Fake(plan);
                built.add(f);
                return f;
            }

            @Override public boolean rebind(Fake exec, Plan plan) {
                exec.rebinds++;
                return acceptRebind;
            }
        });
    }

    /** One loaded model (its weight arrays are what a plan's identity holds) on a capturing backend. */
    private record Model(DitPlanTest.Case c, PlanBackend be, DiT dit) {
        Plan record(float shift) {
            float[] x = c.x().data.clone();
            for (int i = 0; i < x.length; i++) x[i] += shift;
            be.beginCapture().parameters(dit.parameters()).input("x", x).input("cond", c.cond().data).input("time", c.time());
            Tensor out = dit.forward(new Tensor(x, c.x().shape), c.cond(), c.text(), c.time(), c.mask(), false, false,
                    c.cfg(), Trace.OFF);
            return be.endCapture(Map.of("pred", out.data));
        }
    }

    private static Model model(String golden) {
        try (GoldenFile g = GoldenFile.open(Goldens.file(golden))) {
            DitPlanTest.Case c = DitPlanTest.load(g);
            PlanBackend be = (PlanBackend) PlanBackend.over(Backend.reference(), 1);
            return new Model(c, be, DiT.load(c.sd(), c.arch(), be));
        }
    }

    @Test
    void aSecondRecordingOfTheSameModelAndShapeReusesThePlan() {
        Model v1 = model("f5tts-tiny-v1/forward_cfg.safetensors");
        PlanCache<Fake> cache = cache(2);
        PlanExecutor first = cache.get(v1.record(0f));
        PlanExecutor second = cache.get(v1.record(0.5f));
        assertThat(built).hasSize(1);
        assertThat(built.get(0).rebinds).isEqualTo(1);
        assertThat(cache.compiled()).isEqualTo(1);
        assertThat(cache.reused()).isEqualTo(1);
        assertThat(first.compileSeconds()).isEqualTo(1.5);
        assertThat(second.compileSeconds()).as("nothing compiled for the second").isZero();
        second.close();
        assertThat(built.get(0).closed).as("closing a view leaves the cached plan").isFalse();
    }

    @Test
    void anotherModelOrShapeCompilesAndTheLeastRecentlyUsedIsClosed() {
        Model v1 = model("f5tts-tiny-v1/forward_cfg.safetensors");
        Model v1Again = model("f5tts-tiny-v1/forward_cfg.safetensors"); // same weights, other arrays
        Model masked = model("f5tts-tiny-v1/forward_masked.safetensors");
        PlanCache<Fake> cache = cache(2);
        cache.get(v1.record(0f));
        cache.get(v1Again.record(0f));
        assertThat(cache.compiled()).as("a model loaded twice holds two weight sets: two plans").isEqualTo(2);
        cache.get(v1.record(0.25f)); // touches v1's plan: v1Again's is now the eldest
        cache.get(masked.record(0f));
        assertThat(cache.compiled()).isEqualTo(3);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.compileSeconds()).as("closed plans' first runs still count").isEqualTo(3 * 1.5);
        assertThat(built.get(1).closed).as("least recently used plan closed").isTrue();
        assertThat(built.get(0).closed).isFalse();
        cache.close();
        assertThat(built).allMatch(f -> f.closed);
    }

    @Test
    void aRefusedRebindCompilesAFreshPlanInItsPlace() {
        Model v1 = model("f5tts-tiny-v1/forward_cfg.safetensors");
        PlanCache<Fake> cache = cache(2);
        cache.get(v1.record(0f));
        acceptRebind = false;
        PlanExecutor again = cache.get(v1.record(0.5f));
        assertThat(built).hasSize(2);
        assertThat(built.get(0).closed).isTrue();
        assertThat(cache.size()).isEqualTo(1);
        assertThat(again.compileSeconds()).isEqualTo(1.5);
    }
}
