package f5j.bench;

import f5j.compute.Backend;
import f5j.compute.OpProfile;
import f5j.compute.plan.DitPlanTest;
import f5j.compute.plan.PlanBackend;
import f5j.compute.plan.PlanCompiler;
import f5j.config.MelSpecConfig;
import f5j.golden.GoldenFile;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What bench reports on a plan backend (the device execution model, here on the host) and with --profile. */
class BenchTest {
    private static Map<String, Object> bench(Backend be, OpProfile profile, int frames) {
        try (GoldenFile g = GoldenFile.open(Goldens.file("f5tts-tiny-v1/forward_cfg.safetensors"))) {
            DitPlanTest.Case c = DitPlanTest.load(g);
            return Bench.run(new Bench.Setup("tiny", c.arch(), c.sd(), null, null, MelSpecConfig.DEFAULT, be, frames, 1, 1,
                    profile));
        }
    }

    @Test
    void aPlanBackendReplaysOnePaddedPlanAndReusesItForAnotherLength() {
        Map<String, Object> r = bench(PlanBackend.over(Backend.cpu(), 16), null, 37);
        assertThat(r).containsEntry("execution", "captured plan, replayed").containsEntry("plan_frames", 48)
                .containsEntry("other_length_frames", 36).containsEntry("other_length_plan_frames", 48)
                .containsKeys("compile_s", "device_upload_mb", "other_length_first_step_s");
        assertThat(PlanCompiler.bucketed(37, 16)).isEqualTo(48);
    }

    @Test
    @SuppressWarnings("unchecked")
    void profilesAPlanByItsStepsWithGflops() {
        Backend be = PlanBackend.over(Backend.cpu(), 1);
        Map<String, Object> r = bench(be, new OpProfile(be), 40);
        assertThat(r).containsEntry("profile", "plan steps (device kernel time), one forward");
        Map<String, Double> s = (Map<String, Double>) r.get("dit_profile_s");
        Map<String, Double> g = (Map<String, Double>) r.get("dit_profile_gflops");
        assertThat(s).containsKeys("attention", "layerNorm", "outside kernels");
        assertThat(s.keySet()).anyMatch(k -> k.startsWith("linear "));
        assertThat(g).containsKey("attention");
        assertThat(g.values()).allMatch(v -> v > 0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void profilesOtherBackendsOpByOp() {
        OpProfile p = new OpProfile(Backend.cpu());
        Map<String, Object> r = bench(Backend.cpu(), p, 40);
        assertThat(r).doesNotContainKeys("execution", "profile");
        assertThat((Map<String, Double>) r.get("dit_profile_s")).containsKeys("attention", "outside backend");
    }
}
