package f5j.golden;

import f5j.compute.Backend;
import f5j.compute.Precision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tolerances under --device-weights: widened for computed tensors only, and never over an explicit --rtol. */
class VerifyOptionsTest {
    @Test
    void deviceWeightsWidenComputedChecksOnly() {
        double bf16 = VerifyOptions.deviceWeightsRtol(Precision.BF16), fp16 = VerifyOptions.deviceWeightsRtol(Precision.FP16);
        assertThat(VerifyOptions.deviceWeightsRtol(Precision.FP32)).isZero();
        assertThat(fp16).isGreaterThan(1e-3).isLessThan(bf16);

        VerifyOptions plain = new VerifyOptions(Backend.cpu(), null, null, null, null);
        assertThat(plain.tol(1e-4)).isEqualTo(1e-4);

        VerifyOptions reduced = new VerifyOptions(Backend.cpu(), null, null, null, null, bf16);
        assertThat(reduced.tol(1e-4)).isEqualTo(bf16);
        assertThat(reduced.tol(0.5)).as("a looser kind default stays").isEqualTo(0.5);
        assertThat(reduced.tol(0)).as("exact checks (noise, time grid) stay exact").isZero();

        VerifyOptions explicit = new VerifyOptions(Backend.cpu(), null, null, 1e-6, null, bf16);
        assertThat(explicit.tol(1e-4)).as("--rtol wins").isEqualTo(1e-6);
    }
}
