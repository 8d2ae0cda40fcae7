package f5j.audit;

import f5j.compute.Backend;
import f5j.tensor.DType;
import f5j.weights.RawTensor;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Runs another backend's ops as a GPU would in reduced precision: operands rounded to fp16/bf16, the op
 * itself accumulated in fp32 (as tensor-core kernels do), its output rounded again (overflow becomes inf).
 *
 * <p>{@link Mode#HALF} is {@code model.half()} (inference on CUDA): every op's output is rounded; the
 * weights should already be rounded in the state dict ({@link #roundStateDict}), but are rounded here too
 * so a plain state dict gives the same result. {@link Mode#AUTOCAST} is {@code accelerator.autocast()}:
 * only the matmul-like ops (linear, conv, attention) run in the low format; norms and activations stay fp32.
 */
public final class PrecisionBackend implements Backend {
    public enum Mode { HALF, AUTOCAST }

    private final Backend inner;
    private final Precision precision;
    private final Mode mode;
    /** Rounded copies of weight arrays, keyed by identity: weights are rounded once, not on every call. */
    private final Map<float[], float[]> roundedWeights = new IdentityHashMap<>();
    private float[] scratchA = new float[0], scratchB = new float[0], scratchC = new float[0];

    public PrecisionBackend(Backend inner, Precision precision, Mode mode) {
        this.inner = inner;
        this.precision = precision;
        this.mode = mode;
    }

    public Precision precision() { return precision; }

    public Mode mode() { return mode; }

    /**
     * The state dict as {@code model.to(dtype)} leaves it: float tensors rounded (stored as F32 so every
     * consumer reads them unchanged); integer and bool tensors untouched.
     */
    public static Map<String, RawTensor> roundStateDict(Map<String, RawTensor> sd, Precision p) {
        if (p == Precision.FP32) return sd;
        Map<String, RawTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, RawTensor> e : sd.entrySet()) {
            RawTensor t = e.getValue();
            if (!t.dtype().isFloat()) {
                out.put(e.getKey(), t);
                continue;
            }
            float[] v = p.rounded(t.toFloats());
            out.put(e.getKey(), new RawTensor(t.name(), DType.F32, t.shape(), MemorySegment.ofArray(v)));
        }
        return out;
    }

    @Override public String name() { return inner.name() + "+" + precision.label() + "-" + mode.name().toLowerCase(); }

    private float[] weight(float[] w) {
        if (w == null || precision == Precision.FP32) return w;
        return roundedWeights.computeIfAbsent(w, precision::rounded);
    }

    /** The first n values of x rounded, in a reused scratch buffer (slot 0, 1 or 2). */
    private float[] operand(float[] x, int n, int slot) {
        if (precision == Precision.FP32) return x;
        float[] s = switch (slot) { case 0 -> scratchA; case 1 -> scratchB; default -> scratchC; };
        if (s.length < n) {
            s = new float[n];
            switch (slot) { case 0 -> scratchA = s; case 1 -> scratchB = s; default -> scratchC = s; }
        }
        for (int i = 0; i < n; i++) s[i] = precision.round(x[i]);
        return s;
    }

    private void out(float[] y, int n) { precision.roundInPlace(y, n); }

    private boolean elementwiseLow() { return mode == Mode.HALF; }

    @Override
    public void linear(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
        inner.linear(operand(x, rows * in, 0), rows, in, weight(w), weight(b), out, y);
        out(y, rows * out);
    }

    @Override
    public void layerNorm(float[] x, int rows, int dim, float[] gamma, float[] beta, float eps, float[] y) {
        if (elementwiseLow()) {
            inner.layerNorm(operand(x, rows * dim, 0), rows, dim, weight(gamma), weight(beta), eps, y);
            out(y, rows * dim);
        } else {
            inner.layerNorm(x, rows, dim, gamma, beta, eps, y);
        }
    }

    @Override
    public void rmsNorm(float[] x, int rows, int dim, float[] gamma, float eps, float[] y) {
        if (elementwiseLow()) {
            inner.rmsNorm(operand(x, rows * dim, 0), rows, dim, weight(gamma), eps, y);
            out(y, rows * dim);
        } else {
            inner.rmsNorm(x, rows, dim, gamma, eps, y);
        }
    }

    @Override public void silu(float[] x, int n, float[] y) { unary(0, x, n, y); }

    @Override public void mish(float[] x, int n, float[] y) { unary(1, x, n, y); }

    @Override public void geluErf(float[] x, int n, float[] y) { unary(2, x, n, y); }

    @Override public void geluTanh(float[] x, int n, float[] y) { unary(3, x, n, y); }

    private void unary(int op, float[] x, int n, float[] y) {
        float[] in = elementwiseLow() ? operand(x, n, 0) : x;
        switch (op) {
            case 0 -> inner.silu(in, n, y);
            case 1 -> inner.mish(in, n, y);
            case 2 -> inner.geluErf(in, n, y);
            default -> inner.geluTanh(in, n, y);
        }
        if (elementwiseLow()) out(y, n);
    }

    @Override
    public void add(float[] a, float[] b, int n, float[] y) {
        if (elementwiseLow()) {
            inner.add(operand(a, n, 0), operand(b, n, 1), n, y);
            out(y, n);
        } else {
            inner.add(a, b, n, y);
        }
    }

    @Override
    public void mul(float[] a, float[] b, int n, float[] y) {
        if (elementwiseLow()) {
            inner.mul(operand(a, n, 0), operand(b, n, 1), n, y);
            out(y, n);
        } else {
            inner.mul(a, b, n, y);
        }
    }

    @Override
    public void conv1d(float[] x, int batch, int len, int cin, float[] w, float[] b, int cout, int k, int groups,
                       int pad, float[] y) {
        inner.conv1d(operand(x, batch * len * cin, 0), batch, len, cin, weight(w), weight(b), cout, k, groups, pad, y);
        out(y, batch * len * cout);
    }

    @Override
    public void attention(float[] q, float[] k, float[] v, int batch, int len, int heads, int dh, float[] keyMask,
                          float[] out) {
        int n = batch * len * heads * dh;
        inner.attention(operand(q, n, 0), operand(k, n, 1), operand(v, n, 2), batch, len, heads, dh, keyMask, out);
        out(out, n);
    }
}
