package f5j.util;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * NaN/inf detection, so that a non-finite weight or result is an error naming where it is, never a
 * silent WAV. Scans compare exponent bits (all ones = inf or NaN) and allocate nothing.
 */
public final class Finite {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Finite() {}

    /** Index of the first NaN or infinity, or -1. */
    public static int firstNonFinite(float[] a) {
        for (int i = 0; i < a.length; i++) {
            if ((Float.floatToRawIntBits(a[i]) & 0x7f800000) == 0x7f800000) return i;
        }
        return -1;
    }

    /** Throws, naming {@code what} and the first bad element, when {@code a} holds a NaN or infinity. */
    public static void require(float[] a, String what) {
        int i = firstNonFinite(a);
        if (i >= 0) throw new F5jException(what + " holds " + a[i] + " at element " + i);
    }

    /**
     * Index of the first non-finite element of little-endian floating data of {@code bytes} bytes per
     * element with {@code exp} as the exponent mask (f32 0x7f800000, f16 0x7c00, bf16 0x7f80,
     * f64 0x7ff0000000000000); -1 when all are finite.
     */
    public static long firstNonFinite(MemorySegment data, int bytes, long exp) {
        long n = data.byteSize() / bytes;
        switch (bytes) {
            case 4 -> {
                int m = (int) exp;
                for (long i = 0; i < n; i++) if ((data.getAtIndex(I32, i) & m) == m) return i;
            }
            case 2 -> {
                short m = (short) exp;
                for (long i = 0; i < n; i++) if ((data.getAtIndex(I16, i) & m) == m) return i;
            }
            case 8 -> {
                for (long i = 0; i < n; i++) if ((data.getAtIndex(I64, i) & exp) == exp) return i;
            }
            default -> throw new IllegalArgumentException("element size " + bytes);
        }
        return -1;
    }
}
