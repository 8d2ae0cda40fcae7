package f5j.tensor;

/** Storage types found in checkpoints and safetensors files. */
public enum DType {
    F32(4, "F32"), F16(2, "F16"), BF16(2, "BF16"), F64(8, "F64"), I64(8, "I64"), I32(4, "I32"),
    I16(2, "I16"), I8(1, "I8"), U8(1, "U8"), BOOL(1, "BOOL");

    public final int size;
    public final String safetensorsName;

    DType(int size, String safetensorsName) {
        this.size = size;
        this.safetensorsName = safetensorsName;
    }

    public boolean isFloat() { return this == F32 || this == F16 || this == BF16 || this == F64; }

    public static DType fromSafetensors(String s) {
        for (DType d : values()) if (d.safetensorsName.equals(s)) return d;
        return null;
    }
}
