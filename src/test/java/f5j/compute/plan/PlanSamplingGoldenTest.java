package f5j.compute.plan;

import f5j.compute.Backend;
import f5j.golden.Check;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;
import f5j.testing.GoldenRun;
import f5j.testing.Goldens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cfm_sample goldens through the plan execution model a device backend uses ({@code --backend
 * cpu-plan}): the first flow evaluation is captured into a plan, every later ODE evaluation replays it with
 * only x and the time as inputs. The whole trajectories must still match PyTorch.
 */
class PlanSamplingGoldenTest {
    @ParameterizedTest
    @ValueSource(strings = {"f5tts-tiny-v0/sample_euler_nfe16_cfg2.safetensors",
            "f5tts-tiny-v0/sample_euler_nfe7_cfg0.safetensors", "f5tts-tiny-v1/sample_midpoint_nfe6_cfg2.safetensors",
            "f5tts-tiny-v1/sample_euler_nfe8_cfg2.safetensors"})
    void planReplayedOdeMatchesPyTorch(String golden) {
        GoldenReport r = new GoldenReport();
        new Verifier(new VerifyOptions(PlanBackend.over(Backend.cpu()), null, null, null, null)).verify(Goldens.file(golden), r);
        assertThat(GoldenRun.firstFailure(r)).as(golden + ": " + r.summary()).isNull();
        assertThat(r.count(Check.Status.SKIP)).isZero();
        assertThat(r.checks()).anyMatch(c -> c.name().equals("out/trajectory") && c.status() == Check.Status.PASS);
    }
}
