package f5j.compute;

import f5j.numerics.Half;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrecisionBackendTest {
    private static final Backend CPU = Backend.cpu();

    @Test
    void autocastLinearRoundsOperandsAndOutputAndAccumulatesInFp32() {
        float[] x = {1.0001f, -2.3333f, 0.1f}, w = {0.3333f, 1.7777f, -0.25f, 2f, 0.001f, 3.14159f}, b = {0.12345f, -1f};
        float[] y = new float[2];
        new PrecisionBackend(CPU, Precision.FP16, PrecisionBackend.Mode.AUTOCAST).linear(x, 1, 3, w, b, 2, y);
        for (int o = 0; o < 2; o++) {
            float acc = 0;
            for (int i = 0; i < 3; i++) acc += Half.roundF16(x[i]) * Half.roundF16(w[o * 3 + i]);
            acc += Half.roundF16(b[o]);
            assertThat(y[o]).isEqualTo(Half.roundF16(acc));
        }
        assertThat(x[0]).as("operands are not modified").isEqualTo(1.0001f);
    }

    @Test
    void fp16OverflowBecomesInfinityButBf16KeepsTheRange() {
        float[] a = {60000f}, b = {10000f}, y = new float[1];
        new PrecisionBackend(CPU, Precision.FP16, PrecisionBackend.Mode.HALF).add(a, b, 1, y);
        assertThat(y[0]).isEqualTo(Float.POSITIVE_INFINITY);
        new PrecisionBackend(CPU, Precision.BF16, PrecisionBackend.Mode.HALF).add(a, b, 1, y);
        assertThat(y[0]).isEqualTo(Half.roundBf16(70000f)).isFinite();
    }

    @Test
    void autocastKeepsNormsAndElementwiseOpsInFp32() {
        float[] x = {1.0001f, 2.0003f, -0.5f, 7.77777f}, y = new float[4], ref = new float[4];
        PrecisionBackend ac = new PrecisionBackend(CPU, Precision.FP16, PrecisionBackend.Mode.AUTOCAST);
        ac.layerNorm(x, 1, 4, null, null, 1e-6f, y);
        CPU.layerNorm(x, 1, 4, null, null, 1e-6f, ref);
        assertThat(y).containsExactly(ref);
        ac.silu(x, 4, y);
        CPU.silu(x, 4, ref);
        assertThat(y).containsExactly(ref);
        PrecisionBackend half = new PrecisionBackend(CPU, Precision.FP16, PrecisionBackend.Mode.HALF);
        half.silu(x, 4, y);
        for (int i = 0; i < 4; i++) assertThat(y[i]).isEqualTo(Half.roundF16(y[i]));
    }

    @Test
    void roundStateDictRoundsFloatTensorsOnly() {
        var f = new f5j.weights.RawTensor("w", f5j.tensor.DType.F32, new long[]{2},
                java.lang.foreign.MemorySegment.ofArray(new float[]{1.0001f, 70000f}));
        var i = new f5j.weights.RawTensor("i", f5j.tensor.DType.I64, new long[]{1},
                java.lang.foreign.MemorySegment.ofArray(new long[]{7}));
        var r = PrecisionBackend.roundStateDict(java.util.Map.of("w", f, "i", i), Precision.FP16);
        assertThat(r.get("w").toFloats()).containsExactly(Half.roundF16(1.0001f), Float.POSITIVE_INFINITY);
        assertThat(r.get("i")).isSameAs(i);
    }
}
