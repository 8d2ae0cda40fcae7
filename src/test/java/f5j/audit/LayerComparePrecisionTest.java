package f5j.audit;

import f5j.compute.Precision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit's per-layer precision statistics (moved out of PrecisionBackendTest with the backend). */
class LayerComparePrecisionTest {
    @Test
    void layerStatisticsCountOverflowInfAndNan() {
        var fp32 = java.util.Map.of("a#0", new f5j.tensor.Tensor(new float[]{1f, 70000f, -3f}, 3));
        var low = java.util.Map.of("a#0", new f5j.tensor.Tensor(new float[]{1f, Float.POSITIVE_INFINITY, Float.NaN}, 3));
        var s = LayerCompare.precision(fp32, low, Precision.FP16).getFirst();
        assertThat(s.maxAbsFp32()).isEqualTo(70000.0);
        assertThat(s.overflow()).isEqualTo(1);
        assertThat(s.inf()).isEqualTo(1);
        assertThat(s.nan()).isEqualTo(1);
        assertThat(s.relError()).isInfinite();
    }

    @Test
    void relErrorComparesTheCommonFrames() {
        var a = new f5j.tensor.Tensor(new float[]{1, 2, 3, 4, 5, 6}, 1, 3, 2);
        var b = new f5j.tensor.Tensor(new float[]{1, 2, 3, 5}, 1, 2, 2);
        // common block: a's first two frames {1,2,3,4} against {1,2,3,5}: max diff 1, max |b| 5
        assertThat(LayerCompare.relError(a, b)).isEqualTo(0.2);
    }
}
