package f5j.audit;

import f5j.audit.AuditReport.LayerDiff;
import f5j.audit.AuditReport.LayerPrecision;
import f5j.compute.Precision;
import f5j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Layer-by-layer comparison of two recorded runs (Trace maps keyed {@code MODULE#K[.I]}). */
public final class LayerCompare {
    private LayerCompare() {}

    /**
     * max|a-b| / max|b| over the region both tensors cover (runs with different frame counts are
     * compared on their common leading frames); any non-finite value makes it infinite.
     */
    public static double relError(Tensor a, Tensor b) {
        Tensor[] c = common(a, b);
        return relError(c[0].data, c[1].data);
    }

    public static double relError(float[] a, float[] b) {
        double d = 0, s = 0;
        for (int i = 0; i < a.length; i++) {
            float x = a[i], y = b[i];
            if (!Float.isFinite(x) || !Float.isFinite(y)) return Double.POSITIVE_INFINITY;
            d = Math.max(d, Math.abs((double) x - y));
            s = Math.max(s, Math.abs(y));
        }
        return s == 0 ? (d == 0 ? 0 : Double.POSITIVE_INFINITY) : d / s;
    }

    public static double maxAbsDiff(Tensor a, Tensor b) {
        Tensor[] c = common(a, b);
        double d = 0;
        for (int i = 0; i < c[0].data.length; i++) d = Math.max(d, Math.abs((double) c[0].data[i] - c[1].data[i]));
        return d;
    }

    /** Both tensors cut to the shape they share (the minimum along each axis). */
    public static Tensor[] common(Tensor a, Tensor b) {
        if (java.util.Arrays.equals(a.shape, b.shape)) return new Tensor[]{a, b};
        if (a.rank() != b.rank()) {
            throw new IllegalArgumentException("cannot compare shapes " + a.shapeString() + " and " + b.shapeString());
        }
        int[] s = new int[a.rank()];
        for (int i = 0; i < s.length; i++) s[i] = Math.min(a.shape[i], b.shape[i]);
        return new Tensor[]{crop(a, s), crop(b, s)};
    }

    /** The leading {@code s} block of t. */
    static Tensor crop(Tensor t, int[] s) {
        float[] out = new float[Math.toIntExact(Tensor.numel(s))];
        int r = s.length;
        int[] idx = new int[r];
        int[] stride = new int[r];
        stride[r - 1] = 1;
        for (int i = r - 2; i >= 0; i--) stride[i] = stride[i + 1] * t.shape[i + 1];
        for (int o = 0; o < out.length; o++) {
            int src = 0;
            for (int i = 0; i < r; i++) src += idx[i] * stride[i];
            out[o] = t.data[src];
            for (int i = r - 1; i >= 0; i--) {
                if (++idx[i] < s[i]) break;
                idx[i] = 0;
            }
        }
        return new Tensor(out, s);
    }

    /** Every layer both runs recorded, in the order of {@code actual}. */
    public static List<LayerDiff> compare(Map<String, Tensor> actual, Map<String, Tensor> expected) {
        List<LayerDiff> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : actual.entrySet()) {
            Tensor b = expected.get(e.getKey());
            if (b == null || b.rank() != e.getValue().rank()) continue;
            out.add(new LayerDiff(e.getKey(), relError(e.getValue(), b), maxAbsDiff(e.getValue(), b)));
        }
        return out;
    }

    /** The first layer whose relative error is over {@code tol}, or null. */
    public static String firstOver(List<LayerDiff> diffs, double tol) {
        for (LayerDiff d : diffs) if (!(d.relError() <= tol)) return d.layer();
        return null;
    }

    /** Per-layer statistics of a reduced-precision run against the same run in fp32. */
    public static List<LayerPrecision> precision(Map<String, Tensor> fp32, Map<String, Tensor> low, Precision p) {
        List<LayerPrecision> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : fp32.entrySet()) {
            Tensor ref = e.getValue(), t = low.get(e.getKey());
            if (t == null || !java.util.Arrays.equals(ref.shape, t.shape)) continue;
            double maxAbs = 0;
            long overflow = 0, inf = 0, nan = 0;
            for (float v : ref.data) {
                if (Float.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
                if (Float.isFinite(v) && Math.abs(v) > p.maxFinite()) overflow++; // NaN/inf in fp32 are not the format's doing
            }
            for (float v : t.data) {
                if (Float.isNaN(v)) nan++;
                else if (Float.isInfinite(v)) inf++;
            }
            out.add(new LayerPrecision(e.getKey(), maxAbs, overflow, inf, nan, relError(t.data, ref.data)));
        }
        return out;
    }
}
