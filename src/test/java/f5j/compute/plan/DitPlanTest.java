package f5j.compute.plan;

import f5j.compute.Backend;
import f5j.config.DitArch;
import f5j.dit.DiT;
import f5j.golden.DitForwardKind;
import f5j.golden.GoldenFile;
import f5j.golden.Metrics;
import f5j.tensor.Tensor;
import f5j.testing.Goldens;
import f5j.trace.Trace;
import f5j.weights.Checkpoints;
import f5j.weights.RawTensor;
import f5j.weights.Weights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plan of a DiT forward, recorded once and replayed on the CPU: bit-equal to the direct forward, within
 * the dit_forward golden tolerance of PyTorch, and still right when replayed with other inputs (x, time)
 * than it was recorded with, i.e. a closed kernel program a device backend can execute as is.
 */
public class DitPlanTest {
    public static final double TOL = 1e-4; // goldens README: single forward

    public record Case(DiT dit, Map<String, RawTensor> sd, DitArch arch, Tensor x, Tensor cond, long[][] text, float[] time,
                boolean[][] mask, boolean cfg) {
        public Tensor direct(Tensor xIn, float[] t) {
            return dit.forward(xIn, cond, text, t, mask, false, false, cfg, Trace.OFF);
        }

        public Plan record(Tensor xIn, float[] t) {
            PlanRecorder rec = new PlanRecorder(Backend.reference())
                    .input("x", xIn.data).input("cond", cond.data).input("time", t);
            DiT recorded = DiT.load(sd, arch, rec.backend());
            rec.parameters(recorded.parameters());
            Tensor out = recorded.forward(xIn, cond, text, t, mask, false, false, cfg, Trace.OFF);
            return rec.finish(Map.of("pred", out.data));
        }
    }

    /** The golden's DiT: its arch metadata and the EMA weights of the model.safetensors beside it. */
    public static Case load(GoldenFile g) {
        Map<String, RawTensor> sd = Checkpoints.loadStateDict(g.dir().resolve("model.safetensors"), Weights.EMA);
        DitArch arch = DitArch.fromJson(g.requireMeta("arch"), g.path().toString());
        Tensor x = g.input("x"), cond = g.input("cond");
        boolean[][] mask = DitForwardKind.mask(g, x);
        return new Case(DiT.load(sd, arch, Backend.reference()), sd, arch, x, cond,
                DitForwardKind.rows(g.raw("inputs/text").toLongs(), x.dim(0)), g.input("time").data, mask,
                Boolean.parseBoolean(g.requireMeta("cfg_infer")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"f5tts-tiny-v0/forward_cfg.safetensors", "f5tts-tiny-v0/forward_masked.safetensors",
            "f5tts-tiny-v1/forward_cfg.safetensors", "f5tts-tiny-v1/forward_masked.safetensors"})
    void replayedPlanEqualsForwardAndGolden(String golden) {
        try (GoldenFile g = GoldenFile.open(Goldens.file(golden))) {
            Case c = load(g);
            Plan plan = c.record(c.x(), c.time());

            assertThat(plan.problems()).as(plan.summary(false)).isEmpty();
            assertThat(plan.withRole(Plan.Role.WEIGHT)).isNotEmpty();
            assertThat(plan.buffer("x").role()).isEqualTo(Plan.Role.INPUT);
            assertThat(plan.buffer("time").role()).isEqualTo(Plan.Role.INPUT);

            PlanExecutor exec = HostPlanExecutor.on(Backend.reference(), plan);
            float[] replayed = exec.run(Map.of("x", c.x().data, "cond", c.cond().data, "time", c.time())).get("pred");
            assertThat(replayed).containsExactly(c.direct(c.x(), c.time()).data);
            float[] expected = g.tensor("out/pred").data;
            assertThat(Metrics.maxAbsDiff(replayed, expected) / Metrics.maxAbs(expected)).isLessThanOrEqualTo(TOL);

            // Other x and time than recorded: the same plan must follow them (nothing input-dependent baked in).
            Tensor x2 = noisy(c.x(), 7);
            float[] t2 = c.time().clone();
            for (int i = 0; i < t2.length; i++) t2[i] = 1f - 0.7f * t2[i];
            assertThat(plan.checkSameShape(c.record(x2, t2))).isEmpty();
            float[] again = exec.run(Map.of("x", x2.data, "cond", c.cond().data, "time", t2)).get("pred");
            assertThat(again).containsExactly(c.direct(x2, t2).data);
        }
    }

    private static Tensor noisy(Tensor t, long seed) {
        Random r = new Random(seed);
        float[] v = t.data.clone();
        for (int i = 0; i < v.length; i++) v[i] += (float) r.nextGaussian();
        return new Tensor(v, t.shape);
    }
}
