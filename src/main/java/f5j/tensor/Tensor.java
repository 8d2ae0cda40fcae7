package f5j.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor: a shape and a flat row-major array. This is the only activation type; the
 * kernels work on {@link #data} directly, so a Tensor is just a named view that layers pass around.
 */
public final class Tensor {
    public final int[] shape;
    public final float[] data;

    public Tensor(float[] data, int... shape) {
        if (numel(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + numel(shape)
                    + " values, got " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Math.toIntExact(numel(shape))], shape);
    }

    public static long numel(int... shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    public int numel() { return data.length; }

    public int rank() { return shape.length; }

    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }

    /** Same data, another shape (no copy). */
    public Tensor view(int... newShape) { return new Tensor(data, newShape); }

    public Tensor copy() { return new Tensor(data.clone(), shape); }

    /** Swaps the last two axes (copying), e.g. {@code b n d -> b d n}. */
    public Tensor transposeLast2() {
        int r = shape.length, rows = shape[r - 2], cols = shape[r - 1];
        int batch = data.length / Math.max(1, rows * cols);
        float[] out = new float[data.length];
        for (int b = 0; b < batch; b++) {
            int o = b * rows * cols;
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) out[o + j * rows + i] = data[o + i * cols + j];
        }
        int[] s = shape.clone();
        s[r - 2] = cols;
        s[r - 1] = rows;
        return new Tensor(out, s);
    }

    public String shapeString() { return Arrays.toString(shape); }

    @Override
    public String toString() { return "Tensor" + shapeString(); }
}
