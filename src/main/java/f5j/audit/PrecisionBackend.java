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
 * weights must already be rounded in the state dict ({@link #roundStateDict}) and the model's inputs by the
 * caller, so operands need no rounding (everything else they see is an earlier op's rounded output).
 * {@link Mode#AUTOCAST} is {@code accelerator.autocast()}: weights stay fp32, the matmul-like ops (linear,
 * conv, attention) cast operands and weights to the low format and return it; norms, activations and
 * elementwise ops stay fp32.
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

    private boolean half() { return mode == Mode.HALF && precision != Precision.FP32; }

    private boolean autocast() { return mode == Mode.AUTOCAST && precision != Precision.FP32; }

    /** A weight as autocast's matmuls see it (rounded once, cached); HALF weights are rounded in the state dict. */
    private float[] weight(float[] w) {
        if (w == null || !autocast()) return w;
        return roundedWeights.computeIfAbsent(w, precision::rounded);
    }

    /** Under autocast the first n values of x rounded, in a reused scratch buffer (slot 0, 1 or 2); else x. */
    private float[] operand(float[] x, int n, int slot) {
        if (!autocast()) return x;
        float[] s = switch (slot) { case 0 -> scratchA; case 1 -> scratchB; default -> scratchC; };
        if (s.length < n) {
            s = new float[n];
            switch (slot) { case 0 -> scratchA = s; case 1 -> scratchB = s; default -> scratchC = s; }
        }
        for (int i = 0; i < n; i++) s[i] = precision.round(x[i]);
        return s;
    }

    /** Rounds a matmul-like op's output (both modes). */
    private void low(float[] y, int n) { if (precision != Precision.FP32) precision.roundInPlace(y, n); }

    /** Rounds any other op's output (model cast only). */
    private void out(float[] y, int n) { if (half()) precision.roundInPlace(y, n); }

    // ---- matmul-like: low precision in both modes

    @Override
    public void linear(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
        inner.linear(operand(x, rows * in, 0), rows, in, weight(w), weight(b), out, y);
        low(y, rows * out);
    }

    @Override
    public void conv1d(float[] x, int batch, int len, int cin, float[] w, float[] b, int cout, int k, int groups,
                       int pad, float[] y) {
        inner.conv1d(operand(x, batch * len * cin, 0), batch, len, cin, weight(w), weight(b), cout, k, groups, pad, y);
        low(y, batch * len * cout);
    }

    @Override
    public void attention(float[] q, float[] k, float[] v, int batch, int len, int heads, int dh, float[] keyMask,
                          float[] o) {
        int n = batch * len * heads * dh;
        inner.attention(operand(q, n, 0), operand(k, n, 1), operand(v, n, 2), batch, len, heads, dh, keyMask, o);
        low(o, n);
    }

    // ---- everything else: fp32 under autocast, rounded output under the model cast

    @Override
    public void layerNorm(float[] x, int rows, int dim, float[] gamma, float[] beta, float eps, float[] y) {
        inner.layerNorm(x, rows, dim, gamma, beta, eps, y);
        out(y, rows * dim);
    }

    @Override
    public void rmsNorm(float[] x, int rows, int dim, float[] gamma, float eps, float[] y) {
        inner.rmsNorm(x, rows, dim, gamma, eps, y);
        out(y, rows * dim);
    }

    @Override public void silu(float[] x, int n, float[] y) { inner.silu(x, n, y); out(y, n); }

    @Override public void mish(float[] x, int n, float[] y) { inner.mish(x, n, y); out(y, n); }

    @Override public void geluErf(float[] x, int n, float[] y) { inner.geluErf(x, n, y); out(y, n); }

    @Override public void geluTanh(float[] x, int n, float[] y) { inner.geluTanh(x, n, y); out(y, n); }

    @Override public void add(float[] a, float[] b, int n, float[] y) { inner.add(a, b, n, y); out(y, n); }

    @Override public void mul(float[] a, float[] b, int n, float[] y) { inner.mul(a, b, n, y); out(y, n); }

    @Override
    public void gatherRows(float[] table, int dim, int[] ids, int rows, float[] y) {
        inner.gatherRows(table, dim, ids, rows, y);
        out(y, rows * dim);
    }

    @Override public void zeroRows(float[] x, int rows, int dim, float[] keep) { inner.zeroRows(x, rows, dim, keep); }

    @Override
    public void concatLast(float[] a, int da, float[] b, int db, boolean bZero, float[] c, int dc, int rows, float[] y) {
        inner.concatLast(a, da, b, db, bZero, c, dc, rows, y);
        out(y, rows * (da + db + dc));
    }

    @Override
    public void modulate(float[] x, int batch, int len, int dim, float[] emb, int embWidth, int scaleOff, int shiftOff,
                         float[] y) {
        inner.modulate(x, batch, len, dim, emb, embWidth, scaleOff, shiftOff, y);
        out(y, batch * len * dim);
    }

    @Override
    public void gatedAdd(float[] x, float[] y, int batch, int len, int dim, float[] emb, int embWidth, int gateOff) {
        inner.gatedAdd(x, y, batch, len, dim, emb, embWidth, gateOff);
        out(x, batch * len * dim);
    }

    @Override
    public void grn(float[] x, int batch, int len, int dim, float[] gamma, float[] beta, float[] nx, float[] y) {
        inner.grn(x, batch, len, dim, gamma, beta, nx, y);
        out(y, batch * len * dim);
    }

    @Override
    public void angleTable(float[] invFreq, int half, int len, float[] cos, float[] sin) {
        inner.angleTable(invFreq, half, len, cos, sin);
        out(cos, len * half);
        out(sin, len * half);
    }

    @Override
    public void addCosSin(float[] x, int batch, int len, int half, float[] cos, float[] sin, int[] validLen) {
        inner.addCosSin(x, batch, len, half, cos, sin, validLen);
        out(x, batch * len * 2 * half);
    }

    @Override
    public void rotary(float[] x, int batch, int len, int heads, int dh, int ropeHeads, float[] cos, float[] sin) {
        inner.rotary(x, batch, len, heads, dh, ropeHeads, cos, sin);
        out(x, batch * len * heads * dh);
    }

    @Override
    public void timestepSinusoid(float[] time, int batch, float scale, float[] freqs, int half, float[] y) {
        inner.timestepSinusoid(time, batch, scale, freqs, half, y);
        out(y, batch * 2 * half);
    }

    @Override
    public void addScaled(float[] a, float[] b, float s, int n, float[] y) {
        inner.addScaled(a, b, s, n, y);
        out(y, n);
    }

    @Override
    public void cfgCombine(float[] packed, int half, float cfg, float[] y) {
        inner.cfgCombine(packed, half, cfg, y);
        out(y, half);
    }

    @Override
    public void scaleLast(float[] x, int rows, int dim, float[] g, float[] y) {
        inner.scaleLast(x, rows, dim, g, y);
        out(y, rows * dim);
    }

    @Override
    public void polarSpectrum(float[] x, int rows, int bins, float maxMag, float[] re, float[] im) {
        inner.polarSpectrum(x, rows, bins, maxMag, re, im);
        out(re, rows * bins);
        out(im, rows * bins);
    }
}
