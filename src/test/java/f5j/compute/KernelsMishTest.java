package f5j.compute;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Kernels.mish spells out log1p (TornadoVM lacks it); it must match the log1p formula to one float ulp. */
class KernelsMishTest {
    @Test
    void matchesLog1pFormula() {
        int n = 200_001;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) x[i] = -40f + 60f * i / (n - 1);
        Kernels.mish(x, y, 0, n);
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float sp = v > 20f ? v : (float) Math.log1p(Math.exp(v));
            float ref = v * (float) Math.tanh(sp);
            assertThat(Math.abs(y[i] - ref)).as("mish(%s)", v).isLessThanOrEqualTo(Math.ulp(ref));
        }
    }
}
