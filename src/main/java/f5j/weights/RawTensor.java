package f5j.weights;

import f5j.tensor.DType;
import f5j.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor as stored in a file: dtype, shape and its bytes (a contiguous, little-endian view, usually a
 * slice of a memory-mapped file, so nothing is read until asked for).
 */
public record RawTensor(String name, DType dtype, long[] shape, MemorySegment data) {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public long numel() {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    public int[] intShape() {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(shape[i]);
        return s;
    }

    public String shapeString() { return Arrays.toString(shape); }

    /** Values as float32, converting from any numeric dtype. */
    public float[] toFloats() {
        int n = Math.toIntExact(numel());
        // A float32 tensor that is a whole heap float[] (built in memory) hands out that array: no second
        // copy of large weights. Callers treat weight arrays as read-only.
        if (dtype == DType.F32 && !data.isNative() && data.heapBase().orElse(null) instanceof float[] a
                && a.length == n && data.address() == 0) {
            return a;
        }
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> MemorySegment.copy(data, F32, 0, out, 0, n);
            case F16 -> { for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(data.getAtIndex(I16, i)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((data.getAtIndex(I16, i) & 0xffff) << 16); }
            case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) data.getAtIndex(F64, i); }
            case I64 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(I64, i); }
            case I32 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(I32, i); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(I16, i); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, i) & 0xff; }
        }
        return out;
    }

    public Tensor toTensor() { return new Tensor(toFloats(), intShape()); }

    public long[] toLongs() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        switch (dtype) {
            case I64 -> MemorySegment.copy(data, I64, 0, out, 0, n);
            case I32 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(I32, i); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(I16, i); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, i) & 0xff; }
            default -> { float[] f = toFloats(); for (int i = 0; i < n; i++) out[i] = (long) f[i]; }
        }
        return out;
    }

    public boolean[] toBools() {
        long[] l = toLongs();
        boolean[] out = new boolean[l.length];
        for (int i = 0; i < l.length; i++) out[i] = l[i] != 0;
        return out;
    }

    /** Refuses a floating tensor holding NaN or infinity, naming it and the first such element. */
    public void requireFinite(Object file) {
        long exp = switch (dtype) {
            case F32 -> 0x7f800000L;
            case F16 -> 0x7c00L;
            case BF16 -> 0x7f80L;
            case F64 -> 0x7ff0000000000000L;
            default -> 0;
        };
        if (exp == 0) return;
        long i = f5j.util.Finite.firstNonFinite(data, dtype.size, exp);
        if (i >= 0) {
            float v = switch (dtype) {
                case F32 -> data.getAtIndex(F32, i);
                case F16 -> Float.float16ToFloat(data.getAtIndex(I16, i));
                case BF16 -> Float.intBitsToFloat((data.getAtIndex(I16, i) & 0xffff) << 16);
                default -> (float) data.getAtIndex(F64, i);
            };
            throw new f5j.util.F5jException(file + ": tensor " + name + " holds " + v + " at element " + i
                    + " (non-finite weights make every output NaN; the checkpoint is damaged or its training diverged)");
        }
    }

    /** The raw bytes (little-endian, as stored). */
    public byte[] bytes() { return data.toArray(ValueLayout.JAVA_BYTE); }

    /** True when both hold the same dtype, shape and bytes. */
    public boolean sameAs(RawTensor o) {
        return dtype == o.dtype && Arrays.equals(shape, o.shape) && data.byteSize() == o.data.byteSize()
                && data.mismatch(o.data) == -1;
    }

    public static RawTensor of(String name, Tensor t) {
        return new RawTensor(name, DType.F32, toLong(t.shape), MemorySegment.ofArray(t.data.clone()));
    }

    public static RawTensor ofLongs(String name, long[] values, long... shape) {
        return new RawTensor(name, DType.I64, shape, MemorySegment.ofArray(values.clone()));
    }

    public static RawTensor ofBools(String name, boolean[] values, long... shape) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (values[i] ? 1 : 0);
        return new RawTensor(name, DType.BOOL, shape, MemorySegment.ofArray(b));
    }

    static long[] toLong(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) l[i] = s[i];
        return l;
    }
}
