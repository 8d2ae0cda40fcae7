package f5j.compute.tornado;

import f5j.compute.Precision;
import f5j.numerics.Half;

/**
 * The 16-bit weight storage of {@code --device-weights fp16|bf16}: linear weights are rounded once, at
 * upload, with {@link Half}'s rules (the same ones {@link Precision#round} applies), packed two codes per
 * int as {@link TornadoKernels#code16} reads them, and decoded on the device through a table of all 65536
 * codes. So a 16-bit linear on the device equals {@code Kernels.linear} over {@code precision.rounded(w)}.
 */
final class HalfWeights {
    private HalfWeights() {}

    /** Entries of the decode table: every 16-bit code. */
    static final int CODES = 1 << 16;

    /** Ints holding {@code n} 16-bit codes. */
    static int packedLength(int n) { return (n + 1) / 2; }

    static int encode(Precision p, float v) {
        return switch (p) {
            case FP16 -> Half.floatToF16(v) & 0xffff;
            case BF16 -> Half.floatToBf16(v) & 0xffff;
            case FP32 -> throw new IllegalArgumentException("fp32 weights are not packed");
        };
    }

    /** {@code w} rounded to {@code p} and packed: element i in the low (even i) or high (odd i) half of int i/2. */
    static int[] pack(Precision p, float[] w) {
        int[] out = new int[packedLength(w.length)];
        for (int i = 0; i < w.length; i++) out[i >> 1] |= encode(p, w[i]) << ((i & 1) << 4);
        return out;
    }

    /** The float value of every 16-bit code of {@code p}. */
    static float[] decodeTable(Precision p) {
        float[] t = new float[CODES];
        for (int c = 0; c < t.length; c++) {
            t[c] = switch (p) {
                case FP16 -> Float.float16ToFloat((short) c);
                case BF16 -> Half.bf16ToFloat((short) c);
                case FP32 -> throw new IllegalArgumentException("fp32 weights are not packed");
            };
        }
        return t;
    }
}
