package f5j.numerics;

/** IEEE half and bfloat16 conversions (round to nearest even), used for storage and precision emulation. */
public final class Half {
    private Half() {}

    public static short floatToF16(float f) { return Float.floatToFloat16(f); }

    public static float bf16ToFloat(short b) { return Float.intBitsToFloat((b & 0xffff) << 16); }

    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** Rounds a float through fp16 and back (overflow gives +-inf, as on a GPU). */
    public static float roundF16(float f) { return Float.float16ToFloat(Float.floatToFloat16(f)); }

    public static float roundBf16(float f) { return bf16ToFloat(floatToBf16(f)); }
}
