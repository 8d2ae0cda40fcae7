package f5j.compute;

import f5j.numerics.Half;
import f5j.util.F5jException;

/** The number formats the audit emulates: what a GPU run stores between ops. */
public enum Precision {
    FP32, FP16, BF16;

    /** Largest finite value of the format. */
    public double maxFinite() {
        return switch (this) {
            case FP32 -> Float.MAX_VALUE;
            case FP16 -> 65504.0;
            case BF16 -> 3.3895313892515355e38;
        };
    }

    public float round(float v) {
        return switch (this) {
            case FP32 -> v;
            case FP16 -> Half.roundF16(v);
            case BF16 -> Half.roundBf16(v);
        };
    }

    public void roundInPlace(float[] a, int n) {
        if (this == FP32) return;
        for (int i = 0; i < n; i++) a[i] = round(a[i]);
    }

    public float[] rounded(float[] a) {
        if (a == null || this == FP32) return a;
        float[] r = a.clone();
        roundInPlace(r, r.length);
        return r;
    }

    public String label() { return name().toLowerCase(); }

    public static Precision parse(String s, String option) {
        return switch (s.toLowerCase()) {
            case "fp32", "float32", "no" -> FP32;
            case "fp16", "float16", "half" -> FP16;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new F5jException(option + ": unknown precision '" + s + "' (fp32, fp16 or bf16)");
        };
    }
}
