package f5j.dit;

import f5j.tensor.Tensor;
import f5j.trace.Trace;

/** Trace helpers: build the recorded views only when the module is wanted. */
final class Rec {
    private Rec() {}

    static void out(Trace trace, String module, float[] data, int... shape) {
        if (trace.wants(module)) trace.record(module, new Tensor(data, shape));
    }

    /** A channels-last {@code b n d} conv output, recorded as PyTorch holds it ({@code b d n}). */
    static void conv(Trace trace, String module, float[] data, int b, int n, int d) {
        if (trace.wants(module)) trace.recordTransposed(module, new Tensor(data, b, n, d));
    }

    /** Columns [off, off + width) of a rows x stride matrix, as a rows x width tensor. */
    static Tensor columns(float[] data, int rows, int stride, int off, int width) {
        float[] out = new float[rows * width];
        for (int r = 0; r < rows; r++) System.arraycopy(data, r * stride + off, out, r * width, width);
        return new Tensor(out, rows, width);
    }

    /** {@code b n (h d)} data as the {@code b h n d} tensor attention code holds after its transpose. */
    static Tensor heads(float[] data, int b, int n, int h, int d) {
        float[] out = new float[data.length];
        for (int bi = 0; bi < b; bi++)
            for (int i = 0; i < n; i++)
                for (int hi = 0; hi < h; hi++)
                    System.arraycopy(data, ((bi * n + i) * h + hi) * d, out, ((bi * h + hi) * n + i) * d, d);
        return new Tensor(out, b, h, n, d);
    }
}
